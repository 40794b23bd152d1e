/** The sample datasets in resources/datasets (the seed's sample among them) validate clean. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateBytes } from './index.js';

const dir = new URL('../../../resources/datasets/', import.meta.url);
const expected: Record<string, { format: string; container: string; examples: number }> = {
  'seed-sample.json': { format: 'chat', container: 'json_array', examples: 1 },
  'marv-chat.jsonl': { format: 'chat', container: 'jsonl', examples: 12 },
  'weather-tools.jsonl': { format: 'chat', container: 'jsonl', examples: 10 },
  'marv-preference.jsonl': { format: 'preference', container: 'jsonl', examples: 10 },
};

describe('sample datasets', () => {
  it('lists every sample file', () => {
    const files = readdirSync(dir).filter((f) => /\.(jsonl?|json)$/.test(f));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`${name} has no errors`, () => {
      const r = validateBytes(readFileSync(new URL(name, dir)));
      expect(r.error_lines).toEqual(['No errors found']);
      expect(r.valid).toBe(true);
      expect({ format: r.format, container: r.container, examples: r.stats.examples }).toEqual(want);
    });
  }

  it("the seed sample's weights: only the second assistant turn is trained", () => {
    const r = validateBytes(readFileSync(new URL('seed-sample.json', dir)));
    expect(r.stats.messages_per_example).toMatchObject({ min: 5, max: 5 });
    expect(r.warnings.map((w) => w.category)).toEqual(['too_few_examples', 'json_array_container']);
    // Estimate: ~4 characters a token, plus the end-of-turn token; the weight-0 "Paris" is not counted.
    const reply = "Paris, as if everyone doesn't know that already.";
    expect(r.stats.trained_tokens_per_epoch).toBe(Math.ceil(reply.length / 4) + 1);
  });
});
