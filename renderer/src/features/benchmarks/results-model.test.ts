import { describe, expect, it } from 'vitest';
import type { NeedleCell } from '@shared/schemas/benchmarks.js';
import {
  formatDelta,
  formatValue,
  headlines,
  higherIsBetter,
  lmEvalRows,
  needleMatrix,
  needleSeries,
  needleSummaryRows,
  parseResults,
  verdict,
} from './results-model';
import { failureReason, mergeRuns, runFromJob } from './runs';

const cell = (model: NeedleCell['model'], mode: NeedleCell['mode'], x: number, depth: number, score: number): NeedleCell => ({ model, mode, x, depth, score });

// Shaped like what the core stores from the bench CLI's completed event (see trainer/tests/bench/test_report_view.py).
const stored = {
  status: 'succeeded',
  metrics: {
    'fine-tuned': { 'lm_eval/hone_knowledge_mc/acc': 0.6, 'lm_eval/hone_knowledge_mc/acc_norm': 0.4, 'lm_eval/wikitext/word_perplexity': 20, 'needle/score': 0.75, 'needle/context_256/score': 1 },
    base: { 'lm_eval/hone_knowledge_mc/acc': 0.5, 'lm_eval/hone_knowledge_mc/acc_norm': 0.5, 'lm_eval/wikitext/word_perplexity': 30, 'needle/score': 0.75, 'needle/context_256/score': 0.5 },
  },
  deltas: { 'lm_eval/hone_knowledge_mc/acc': 0.1, 'lm_eval/hone_knowledge_mc/acc_norm': -0.1, 'lm_eval/wikitext/word_perplexity': -10, 'needle/score': 0, 'needle/context_256/score': 0.5 },
  artifacts: { results_json: '/x/results.json' },
  failed_suites: [],
  report: {
    lm_eval: { tasks: ['hone_knowledge_mc', 'wikitext'], higher_is_better: { 'lm_eval/hone_knowledge_mc/acc': true }, samples: { hone_knowledge_mc: 5 } },
    needle: {
      scorer: 'contains',
      cells: [cell('fine-tuned', 'context', 512, 0, 1), cell('fine-tuned', 'context', 256, 0, 1), cell('fine-tuned', 'context', 256, 1, 0), cell('base', 'context', 256, 0, 0), cell('fine-tuned', 'chunks', 2, 0.5, 1), cell('base', 'chunks', 2, 0.5, 0)],
      skipped_cells: { 'fine-tuned': 0, base: 1 },
      judge_error: null,
    },
    errors: {},
  },
};

describe('parseResults', () => {
  it('accepts what the API stores and fills what an older run lacks', () => {
    const p = parseResults(stored);
    expect(p.kind).toBe('ok');
    const running = parseResults({ status: 'running' });
    expect(running).toEqual({ kind: 'ok', results: { status: 'running', metrics: {}, deltas: {}, artifacts: {}, failed_suites: [], report: null } });
  });
  it('keeps the rest when one part is malformed, and says why when the whole is unreadable', () => {
    const p = parseResults({ ...stored, report: { ...stored.report, needle: { cells: 'nope' } }, deltas: 'x' });
    expect(p.kind === 'ok' && p.results.report?.needle?.cells).toEqual([]);
    expect(p.kind === 'ok' && p.results.deltas).toEqual({});
    expect(p.kind === 'ok' && p.results.metrics.base!['needle/score']).toBe(0.75);
    expect(parseResults(null)).toEqual({ kind: 'none' });
    const bad = parseResults({ status: 'exploded' });
    expect(bad.kind).toBe('invalid');
    expect(bad.kind === 'invalid' && bad.reason).toMatch(/^status:/);
  });
});

describe('direction and verdict', () => {
  it('follows the harness, else knows that perplexity and loss are better lower', () => {
    expect(higherIsBetter('lm_eval/t/acc')).toBe(true);
    expect(higherIsBetter('lm_eval/wikitext/word_perplexity')).toBe(false);
    expect(higherIsBetter('lm_eval/wikitext/bits_per_byte')).toBe(false);
    expect(higherIsBetter('lm_eval/t/loss')).toBe(false);
    expect(higherIsBetter('lm_eval/t/exact_match_strict-match')).toBe(true);
    expect(higherIsBetter('lm_eval/t/word_perplexity', { 'lm_eval/t/word_perplexity': true })).toBe(true);
    expect(verdict(0.1, true)).toBe('better');
    expect(verdict(0.1, false)).toBe('worse');
    expect(verdict(-2, false)).toBe('better');
    expect(verdict(-0.01, true)).toBe('worse');
    expect(verdict(0, true)).toBe('same');
    expect(verdict(null, true)).toBeNull();
    expect(verdict(Number.NaN, true)).toBeNull();
  });
  it('formats signs with a real minus and never by colour alone', () => {
    expect(formatDelta(0.05)).toBe('+0.050');
    expect(formatDelta(-0.125)).toBe('\u22120.125');
    expect(formatDelta(0)).toBe('\u00b10.000');
    expect(formatDelta(null)).toBe('—');
    expect(formatValue(1234.56)).toBe('1235');
    expect(formatValue(-131.24)).toBe('\u2212131.2');
    expect(formatValue(-31.24)).toBe('\u221231.240');
  });
});

describe('rows and headlines', () => {
  it('makes one lm-eval row per task and metric with base, fine-tuned, delta and verdict', () => {
    const p = parseResults(stored);
    if (p.kind !== 'ok') throw new Error('parse');
    const rows = lmEvalRows(p.results);
    expect(rows.map((r) => [r.group, r.metric, r.base, r.tuned, r.delta, r.verdict])).toEqual([
      ['hone_knowledge_mc', 'acc', 0.5, 0.6, 0.1, 'better'],
      ['hone_knowledge_mc', 'acc_norm', 0.5, 0.4, -0.1, 'worse'],
      ['wikitext', 'word_perplexity', 30, 20, -10, 'better'],
    ]);
    expect(needleSummaryRows(p.results).map((r) => [r.metric, r.verdict])).toEqual([['score', 'same']]);
    expect(headlines(p.results)).toEqual([
      { label: 'knowledge_mc', value: 0.1, kind: 'delta', verdict: 'better' },
      { label: 'wikitext', value: -10, kind: 'delta', verdict: 'better' },
      { label: 'needle', value: 0, kind: 'delta', verdict: 'same' },
    ]);
  });
  it('a base-only run has scores, no deltas', () => {
    const p = parseResults({ status: 'succeeded', metrics: { base: { 'lm_eval/t/acc': 0.25, 'needle/score': 0.5 } }, deltas: {} });
    if (p.kind !== 'ok') throw new Error('parse');
    expect(lmEvalRows(p.results)[0]).toMatchObject({ tuned: null, base: 0.25, delta: null, verdict: null });
    expect(headlines(p.results)).toEqual([
      { label: 't', value: 0.25, kind: 'score', verdict: null },
      { label: 'needle', value: 0.5, kind: 'score', verdict: null },
    ]);
  });
});

describe('needle grid', () => {
  const cells = stored.report.needle.cells;
  it('is a depth × x matrix per model on shared axes, null where a cell did not run', () => {
    expect(needleMatrix(cells, 'context', 'fine-tuned')).toEqual({ xs: [256, 512], depths: [0, 1], values: [[1, 1], [0, null]] });
    expect(needleMatrix(cells, 'context', 'base')).toEqual({ xs: [256, 512], depths: [0, 1], values: [[0, null], [null, null]] });
  });
  it('averages over depths for the two plots, fine-tuned first', () => {
    expect(needleSeries(cells, 'context')).toEqual({ xs: [256, 512], series: [{ model: 'fine-tuned', ys: [0.5, 1] }, { model: 'base', ys: [0, null] }] });
    expect(needleSeries(cells, 'chunks')).toEqual({ xs: [2], series: [{ model: 'fine-tuned', ys: [1] }, { model: 'base', ys: [0] }] });
    expect(needleSeries([], 'chunks')).toEqual({ xs: [], series: [] });
  });
});

describe('runs', () => {
  const job = (over: object) =>
    ({ id: 'ftjob-1', created_at: 10, finished_at: 20, model: 'hone-tiny-llama', fine_tuned_model: 'ft:hone-tiny-llama:hone::ftjob-1', hone: { benchmark: null, benchmarks: null, mlflow: null }, ...over }) as never;
  it('turns a job’s benchmark step into a run, and leaves out jobs without one or with it skipped', () => {
    const ran = job({ hone: { benchmark: { status: 'failed', error: 'the benchmark process exited with code 1' }, benchmarks: true, mlflow: null } });
    expect(runFromJob(ran)).toMatchObject({ id: 'ftjob-1', kind: 'job', model: 'ft:hone-tiny-llama:hone::ftjob-1', baseModel: 'hone-tiny-llama', status: 'failed', reason: 'the benchmark process exited with code 1', createdAt: 20 });
    expect(runFromJob(job({}))).toBeNull();
    const skipped = job({ id: 'ftjob-2', hone: { benchmark: { status: 'skipped' }, benchmarks: false, mlflow: null } });
    const bench = { id: 'bench-1', object: 'benchmark', created_at: 15, model: 'hone-tiny-llama', base_model: 'hone-tiny-llama', status: 'queued', finished_at: null, settings: true, queue_reason: 'waiting for the CPU slot', results: null, mlflow: null } as const;
    const runs = mergeRuns([bench], [ran, skipped, job({ id: 'ftjob-3' })]);
    expect(runs.map((r) => [r.id, r.baseModel, r.reason])).toEqual([
      ['ftjob-1', 'hone-tiny-llama', 'the benchmark process exited with code 1'],
      ['bench-1', null, 'waiting for the CPU slot'],
    ]);
  });
  it('gives the suites’ own reasons when the core has none', () => {
    expect(failureReason({ report: { errors: { lm_eval: 'RuntimeError: no tasks' } } })).toBe('lm_eval: RuntimeError: no tasks');
    expect(failureReason(null)).toBeNull();
  });
});
