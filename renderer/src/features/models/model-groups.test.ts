import { describe, expect, it } from 'vitest';
import type { Model } from '@shared/schemas/jobs.js';
import { formatParameters, groupModels, hubIdProblem, normaliseHubInput, progressValue, sizeNote } from './model-groups';

const m = (id: string, kind: Model['kind'], extra: Partial<Model> = {}): Model => ({ id, object: 'model', created: 0, owned_by: 'hone', kind, base_model: null, path: null, ...extra });

describe('model groups', () => {
  const all = [m('hone-tiny-llama', 'builtin'), m('Qwen2.5-0.5B-Instruct', 'hub', { base_model: 'Qwen/Qwen2.5-0.5B-Instruct' }), m('ft:hone-tiny-llama:hone::ftjob-1', 'fine-tuned', { base_model: 'hone-tiny-llama', job_id: 'ftjob-1' })];
  it('groups by kind and filters by kind and text (id, base, job)', () => {
    const g = groupModels(all, { kind: 'all', q: '' });
    expect(g.builtin.map((x) => x.id)).toEqual(['hone-tiny-llama']);
    expect(g['fine-tuned']).toHaveLength(1);
    expect(g.local).toEqual([]);
    expect(groupModels(all, { kind: 'fine-tuned', q: '' }).builtin).toEqual([]);
    const byBase = groupModels(all, { kind: 'all', q: 'TINY' });
    expect(byBase.builtin).toHaveLength(1);
    expect(byBase['fine-tuned']).toHaveLength(1);
    expect(byBase.hub).toHaveLength(0);
    expect(groupModels(all, { kind: 'all', q: 'ftjob-1' })['fine-tuned']).toHaveLength(1);
    expect(groupModels(all, { kind: 'all', q: 'qwen/' }).hub).toHaveLength(1);
  });
  it('reads numbers for people', () => {
    expect(formatParameters(407_680)).toBe('408 K');
    expect(formatParameters(134_515_008)).toBe('135 M');
    expect(formatParameters(8_030_261_248)).toBe('8.0 B');
    expect(formatParameters(null)).toBe('—');
    expect(progressValue({ progress: { bytes_done: 50, bytes_total: 200 } })).toBe(0.25);
    expect(progressValue({ progress: { bytes_done: 50, bytes_total: null } })).toBeNull();
    expect(sizeNote({ status: 'not_downloaded', kind: 'hub' })).toBe('download');
    expect(sizeNote({ status: 'ready', kind: 'fine-tuned' })).toBe('adapter');
  });
  it('checks Hugging Face ids before asking the server', () => {
    expect(hubIdProblem('Qwen/Qwen2.5-0.5B-Instruct')).toBeNull();
    expect(hubIdProblem('')).toMatch(/Type a Hugging Face model id/);
    expect(hubIdProblem('gpt2')).toMatch(/org\/name/);
    expect(hubIdProblem('a/../b')).toMatch(/org\/name/);
    expect(hubIdProblem('https://huggingface.co/Qwen/X')).toMatch(/not the page/);
    expect(normaliseHubInput(' https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct/tree/main ')).toBe('Qwen/Qwen2.5-0.5B-Instruct');
  });
});
