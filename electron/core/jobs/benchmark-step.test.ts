import { describe, expect, it } from 'vitest';
import { benchEventToJobEvent, resolveSuites } from './benchmark-step.js';

describe('benchmark suites', () => {
  it('HONE_BENCHMARK_DEFAULTS overrides the machine defaults; a job setting still wins', () => {
    const env = { HONE_BENCHMARK_DEFAULTS: JSON.stringify({ lm_eval: { limit: 3 }, needle: { context_lengths: [256] } }) };
    const s = resolveSuites(true, true, env)!;
    expect(s.lm_eval).toMatchObject({ tasks: 'default', limit: 3 });
    expect(s.needle).toMatchObject({ context_lengths: [256], depths: [0, 0.5, 1] });
    expect(resolveSuites({ lm_eval: { limit: 7 }, needle: false }, true, env)).toMatchObject({ lm_eval: { limit: 7 }, needle: null });
    expect(resolveSuites(true, true, { HONE_BENCHMARK_DEFAULTS: JSON.stringify({ needle: false }) })!.needle).toBeNull();
  });

  it('unreadable HONE_BENCHMARK_DEFAULTS falls back to the built-in defaults', () => {
    expect(resolveSuites(true, true, { HONE_BENCHMARK_DEFAULTS: '{nope' })).toEqual(resolveSuites(true, true, {}));
  });

  it('the started event names the suites the bench CLI lists', () => {
    const ev = benchEventToJobEvent({ v: 1, seq: 1, ts: 0, type: 'started', model: 'm', device: 'cpu', suites: ['lm_eval', 'needle'] });
    expect(ev?.message).toBe('Benchmarking m on cpu: lm_eval, needle');
  });
});
