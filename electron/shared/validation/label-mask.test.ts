/**
 * The label mask against the trainer: on oracle-examples.jsonl with the hone-tiny-llama tokenizer,
 * the trained segments' tokens equal hone_trainer.labels' counts (oracle-counts.json) and the
 * validator's, in both span modes, and the segments put together are the whole render.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HfTokenCounter, labelMask, validateText, type HfTokenizerFiles } from './index.js';

const fx = new URL('./fixtures/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fx), 'utf8');
const files: HfTokenizerFiles = {
  tokenizerJson: JSON.parse(read('hone-tiny-llama/tokenizer.json')),
  tokenizerConfig: JSON.parse(read('hone-tiny-llama/tokenizer_config.json')),
  chatTemplate: read('hone-tiny-llama/chat_template.jinja'),
  modelConfig: JSON.parse(read('hone-tiny-llama/config.json')),
};
const lines = read('oracle-examples.jsonl').trim().split('\n');
const oracle = JSON.parse(read('oracle-counts.json')) as Record<'markers' | 'prefix', { total: number; trained: number }[]>;
const plain = { ...files, chatTemplate: files.chatTemplate!.replace(/\{%-?\s*(end)?generation\s*-?%\}/g, '') };

describe.each([
  ['markers', files],
  ['prefix', plain],
] as const)('label mask (%s mode)', (mode, f) => {
  it("trained segments' tokens equal the trainer's labels and the validator's counts", () => {
    const c = new HfTokenCounter(f, 'hone-tiny-llama');
    lines.forEach((l, i) => {
      const [m] = labelMask(c, JSON.parse(l));
      expect(m!.unlocated).toBe(0);
      expect({ total: m!.total, trained: m!.trained }).toEqual(oracle[mode][i]);
      const recount = m!.segments.filter((s) => s.trained).reduce((n, s) => n + c.tokens(s.text), 0);
      expect(recount).toBe(oracle[mode][i]!.trained);
      const v = validateText(l, { tokenCounter: new HfTokenCounter(f, 'hone-tiny-llama') });
      expect(v.stats.trained_tokens_per_epoch).toBe(m!.trained);
      // The segments are the render, in order, with nothing lost.
      expect(m!.segments.map((s) => s.text).join('')).toBe(c.render(JSON.parse(l).messages, JSON.parse(l).tools ?? null, false).text);
    });
  });
});

it('a weight-0 turn is not highlighted; a preference pair gives two masks, each training only its output', () => {
  const c = new HfTokenCounter(files, 'hone-tiny-llama');
  const [m] = labelMask(c, JSON.parse(lines[0]!));
  const trained = m!.segments.filter((s) => s.trained).map((s) => s.text);
  expect(trained.join('')).toContain("Paris, as if everyone doesn't know that already.");
  expect(trained.join('')).not.toMatch(/^Paris<|Paris\n/);
  const pref = labelMask(c, {
    input: { messages: [{ role: 'user', content: 'Hi' }] },
    preferred_output: [{ role: 'assistant', content: 'Hello! How can I help?' }],
    non_preferred_output: [{ role: 'assistant', content: 'What.' }],
  });
  expect(pref.map((p) => p.label)).toEqual(['preferred', 'non_preferred']);
  expect(pref[0]!.segments.filter((s) => s.trained).map((s) => s.text).join('')).toContain('Hello! How can I help?');
  expect(pref[1]!.segments.filter((s) => s.trained).map((s) => s.text).join('')).toContain('What.');
  const v = validateText(
    JSON.stringify({ input: { messages: [{ role: 'user', content: 'Hi' }] }, preferred_output: [{ role: 'assistant', content: 'Hello! How can I help?' }], non_preferred_output: [{ role: 'assistant', content: 'What.' }] }),
    { tokenCounter: c },
  );
  expect(v.stats.trained_tokens_per_epoch).toBe(pref[0]!.trained + pref[1]!.trained);
});
