import { describe, expect, it } from 'vitest';
import { suitesProblem } from '@shared/schemas/benchmarks.js';
import { buildSuites, defaultsFor } from './form-model';
import { appendOutput } from './console-text';

describe('the Benchmark a model form', () => {
  it('sends the suites as the server takes them, and the defaults pass its checks', () => {
    for (const mode of ['cpu', 'gpu'] as const) {
      const built = buildSuites(defaultsFor(mode));
      if (!('suites' in built)) throw new Error(built.message);
      expect(suitesProblem(built.suites)).toBeNull();
    }
    expect(buildSuites({ ...defaultsFor('cpu'), tasks: 'hone_knowledge_mc, hone_arithmetic_gen', limit: '3', contextLengths: '96 192', depths: '0,1', chunkCounts: '1;3' })).toEqual({
      suites: { lm_eval: { tasks: ['hone_knowledge_mc', 'hone_arithmetic_gen'], limit: 3 }, needle: { context_lengths: [96, 192], depths: [0, 1], chunk_counts: [1, 3] } },
    });
    expect(buildSuites({ ...defaultsFor('gpu'), needle: false })).toEqual({ suites: { lm_eval: { tasks: 'default', limit: null }, needle: false } });
  });
  it('names the field of text that is not a number; the server names out-of-range values', () => {
    expect(buildSuites({ ...defaultsFor('cpu'), depths: '0, half' })).toEqual({ message: '“half” is not a number.', param: 'suites.needle.depths' });
    expect(buildSuites({ ...defaultsFor('cpu'), contextLengths: ' ' })).toMatchObject({ param: 'suites.needle.context_lengths' });
    expect(buildSuites({ ...defaultsFor('cpu'), limit: 'ten' })).toMatchObject({ param: 'suites.lm_eval.limit' });
    const built = buildSuites({ ...defaultsFor('cpu'), depths: '0, 2' });
    expect('suites' in built && suitesProblem(built.suites)).toMatchObject({ param: 'suites.needle.depths' });
    expect(suitesProblem({ lm_eval: false, needle: false })).toMatchObject({ param: 'suites' });
  });
});

describe('console text', () => {
  it('resolves carriage returns like a terminal, across chunks', () => {
        let s = appendOutput({ lines: [], cr: false }, 'start\nprogress 10%');
    s = appendOutput(s, '\rprogress 50%\r');
    s = appendOutput(s, 'progress 100%\r\ndone\n');
    expect(s.lines).toEqual(['start', 'progress 100%', 'done', '']);
    expect(appendOutput({ lines: [], cr: false }, 'a\r').lines).toEqual(['a']);
  });
});
