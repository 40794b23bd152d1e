/**
 * Pure logic behind the results view: parse the stored results (typed `unknown` by the API),
 * the metric rows with their deltas and whether a change is better or worse, and the needle grid
 * as a matrix and as score-per-x series. Everything the view draws comes from here.
 */
import { BenchmarkResults, type ModelLabel, type NeedleCell } from '@shared/schemas/benchmarks.js';

export type Parsed =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'ok'; results: BenchmarkResults };

export function parseResults(raw: unknown): Parsed {
  if (raw === null || raw === undefined) return { kind: 'none' };
  const r = BenchmarkResults.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { kind: 'invalid', reason: `${issue?.path.join('.') || 'results'}: ${issue?.message ?? 'unreadable'}` };
  }
  return { kind: 'ok', results: r.data };
}

// Metrics where a smaller number is the better result (the harness's own direction wins when it has one).
const LOWER_IS_BETTER = /(perplexity|(^|[_/])ppl($|_)|loss|bits_per_byte|(^|[_/])bpb($|_)|(^|[_/])(ter|wer|cer)($|_)|error)/i;

/** True when a higher value of `key` is better. */
export function higherIsBetter(key: string, directions: Record<string, boolean> = {}): boolean {
  const d = directions[key];
  if (typeof d === 'boolean') return d;
  return !LOWER_IS_BETTER.test(key.split('/').slice(-1)[0] ?? key);
}

export type Verdict = 'better' | 'worse' | 'same';

/** Whether a change is an improvement; null when there is nothing to compare. */
export function verdict(delta: number | null | undefined, higher: boolean, eps = 1e-9): Verdict | null {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return null;
  if (Math.abs(delta) <= eps) return 'same';
  return delta > 0 === higher ? 'better' : 'worse';
}

export interface MetricRow {
  key: string;
  /** lm_eval: the task; needle: "needle". */
  group: string;
  metric: string;
  /** The model under test (fine-tuned), null in a base-only run. */
  tuned: number | null;
  base: number | null;
  delta: number | null;
  higher: boolean;
  verdict: Verdict | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Whether the run compares a fine-tuned model with its base (else it measured one model, labelled "base"). */
export const isComparison = (r: BenchmarkResults): boolean => Object.keys(r.metrics['fine-tuned'] ?? {}).length > 0;

function rowsFor(r: BenchmarkResults, keep: (key: string) => boolean, split: (key: string) => [string, string]): MetricRow[] {
  const tuned = r.metrics['fine-tuned'] ?? {};
  const base = r.metrics.base ?? {};
  const dirs = r.report?.lm_eval?.higher_is_better ?? {};
  const keys = [...new Set([...Object.keys(tuned), ...Object.keys(base)])].filter(keep).sort();
  return keys.map((key) => {
    const t = num(tuned[key]);
    const b = num(base[key]);
    const delta = num(r.deltas[key]) ?? (t !== null && b !== null ? t - b : null);
    const higher = higherIsBetter(key, dirs);
    const [group, metric] = split(key);
    return { key, group, metric, tuned: t, base: b, delta, higher, verdict: verdict(delta, higher) };
  });
}

/** One row per lm-eval task and metric (`lm_eval/<task>/<metric>`), sorted by task. */
export function lmEvalRows(r: BenchmarkResults): MetricRow[] {
  return rowsFor(
    r,
    (k) => k.startsWith('lm_eval/'),
    (k) => {
      const [, task = '', ...rest] = k.split('/');
      return [task, rest.join('/')];
    },
  );
}

/** The needle's overall scores (the per-length and per-chunk-count ones are the charts). */
export function needleSummaryRows(r: BenchmarkResults): MetricRow[] {
  return rowsFor(
    r,
    (k) => /^needle\/[^/]+$/.test(k),
    (k) => ['needle', k.slice('needle/'.length)],
  );
}

export type NeedleMode = NeedleCell['mode'];

export interface NeedleMatrix {
  /** Columns: context lengths or chunk counts, ascending. */
  xs: number[];
  /** Rows: needle depth 0 … 1. */
  depths: number[];
  /** values[row][col]: the score at (depth, x); null where the cell was not run (skipped). */
  values: (number | null)[][];
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const sortedUnique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** The heatmap of one model: x (context length or chunks) × depth. Both models share axes. */
export function needleMatrix(cells: NeedleCell[], mode: NeedleMode, model: ModelLabel): NeedleMatrix {
  const ofMode = cells.filter((c) => c.mode === mode);
  const xs = sortedUnique(ofMode.map((c) => c.x));
  const depths = sortedUnique(ofMode.map((c) => c.depth));
  const mine = ofMode.filter((c) => c.model === model);
  const values = depths.map((d) => xs.map((x) => mean(mine.filter((c) => c.x === x && c.depth === d).map((c) => c.score))));
  return { xs, depths, values };
}

export interface NeedleSeries {
  xs: number[];
  /** Mean score over depths per x, per model present (fine-tuned first). */
  series: { model: ModelLabel; ys: (number | null)[] }[];
}

/** Score vs context length (mode "context") or vs number of chunks (mode "chunks"), averaged over depths. */
export function needleSeries(cells: NeedleCell[], mode: NeedleMode): NeedleSeries {
  const ofMode = cells.filter((c) => c.mode === mode);
  const xs = sortedUnique(ofMode.map((c) => c.x));
  const models = (['fine-tuned', 'base'] as const).filter((m) => ofMode.some((c) => c.model === m));
  return {
    xs,
    series: models.map((model) => ({ model, ys: xs.map((x) => mean(ofMode.filter((c) => c.model === model && c.x === x).map((c) => c.score))) })),
  };
}

export interface Headline {
  label: string;
  /** The delta when the run compares with a base, else the score itself. */
  value: number;
  kind: 'delta' | 'score';
  verdict: Verdict | null;
}

// The metric a task is summarised by: accuracy first, then exact match, else its first metric.
const PRIMARY = [/^acc$/, /^acc_norm$/, /^exact_match/, /./];

/** A few numbers for a list row: per lm-eval task its main metric, and the needle score. */
export function headlines(r: BenchmarkResults, max = 4): Headline[] {
  const compare = isComparison(r);
  const rows = lmEvalRows(r);
  const picked: MetricRow[] = [];
  for (const task of [...new Set(rows.map((x) => x.group))]) {
    const of = rows.filter((x) => x.group === task);
    for (const p of PRIMARY) {
      const hit = of.find((x) => p.test(x.metric));
      if (hit) {
        picked.push(hit);
        break;
      }
    }
  }
  const needle = needleSummaryRows(r).find((x) => x.metric === 'score');
  if (needle) picked.push(needle);
  const out: Headline[] = [];
  for (const row of picked) {
    const label = row.group === 'needle' ? 'needle' : row.group.replace(/^hone_/, '');
    if (compare && row.delta !== null) out.push({ label, value: row.delta, kind: 'delta', verdict: row.verdict });
    else if (!compare && row.base !== null) out.push({ label, value: row.base, kind: 'score', verdict: null });
  }
  return out.slice(0, max);
}

const MINUS = '\u2212';

/** A metric value: three decimals for scores, fewer for big numbers such as perplexity. */
export function formatValue(v: number | null): string {
  if (v === null) return '—';
  const a = Math.abs(v);
  const s = a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : v.toFixed(3);
  return s.replace('-', MINUS);
}

/** A signed delta (+0.050, −0.125, ±0.000). */
export function formatDelta(d: number | null): string {
  if (d === null) return '—';
  if (Math.abs(d) <= 1e-9) return `\u00b1${formatValue(0)}`;
  return d > 0 ? `+${formatValue(d)}` : `${MINUS}${formatValue(-d)}`;
}

/** Depth as people read it: 0 = start of the context, 1 = end. */
export const formatDepth = (d: number): string => `${Math.round(d * 100)}%`;
