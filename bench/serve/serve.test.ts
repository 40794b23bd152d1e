import { describe, expect, it } from 'vitest';
import { runServeBench } from './run.js';

/** Toy size (hone-tiny-llama, 8 tokens, one repeat), so the benchmark cannot rot; figures in the README. */
describe('bench/serve', () => {
  it('measures Hone and the plain transformers loop in one run', async () => {
    const r = await runServeBench({ model: 'hone-tiny-llama', maxTokens: 8, repeats: 1 });
    for (const side of [r.hone, r.baseline]) {
      expect(side.ttft_s).toBeGreaterThan(0);
      expect(side.tokens).toBeGreaterThan(1);
      expect(Number.isFinite(side.tokens_per_s)).toBe(true);
    }
    expect(r.relay_ms).toBeGreaterThanOrEqual(0);
    expect(r.same_text).toBe(true); // greedy: the same tokens both ways
  }, 240_000);
});
