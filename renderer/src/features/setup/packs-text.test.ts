import { describe, expect, it } from 'vitest';
import type { PackImport } from '@shared/schemas/packs.js';
import { availableText, importStatus, importTitle } from './packs-text';

const base: PackImport = {
  id: 'packimp-1',
  object: 'hone.pack_import',
  path: '/media/usb/bench',
  source: 'tar',
  kind: 'benchmarks',
  items: [{ id: 'cais/mmlu', type: 'dataset', revision: null, destination: 'hub_cache' }],
  tasks: ['mmlu', 'arc_easy'],
  status: 'importing',
  progress: { bytes_done: 250, bytes_total: 1000, files_done: 1, files_total: 4 },
  created_at: 1,
  finished_at: null,
  error: null,
};

describe('packs text', () => {
  it('says how far an import is, and how it ended', () => {
    expect(importStatus(base)).toEqual({ text: 'Importing 25%', tone: 'info' });
    expect(importStatus({ ...base, progress: { ...base.progress, bytes_total: 0, bytes_done: 0 } }).text).toBe('Importing 0%');
    expect(importStatus({ ...base, status: 'succeeded' })).toEqual({ text: 'Imported', tone: 'ok' });
    expect(importStatus({ ...base, status: 'failed' }).tone).toBe('error');
  });

  it('names the pack and what it made available offline', () => {
    expect(importTitle(base)).toBe('Benchmarks from a pack .tar');
    expect(importTitle({ ...base, kind: 'model', source: 'hub_cache' })).toBe('Model from a Hugging Face cache');
    expect(availableText(base)).toBeNull();
    expect(availableText({ ...base, status: 'succeeded' })).toBe('Benchmarks: mmlu, arc_easy available offline');
    expect(availableText({ ...base, kind: 'model', status: 'succeeded' })).toBeNull();
  });
});
