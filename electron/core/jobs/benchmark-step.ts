import type { NewEvent } from './job-store.js';
import type { TrainerEvent } from './trainer-events.js';

/** Benchmark settings of a job (`hone.benchmarks`): false = off; an object overrides suites. */
export interface BenchmarkSuites {
  lm_eval: Record<string, unknown> | null;
  needle: Record<string, unknown> | null;
}

/** An OpenAI-compatible judge for GEval, from the environment (none = deterministic scoring). */
export function judgeFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> | null {
  if (!env.HONE_JUDGE_BASE_URL || !env.HONE_JUDGE_MODEL) return null;
  return { base_url: env.HONE_JUDGE_BASE_URL, api_key: env.HONE_JUDGE_API_KEY ?? 'EMPTY', model: env.HONE_JUDGE_MODEL };
}

/**
 * The default suites: the harness's default task set (Hone's offline tasks on CPU) and the needle
 * grid. On the CPU the full grid takes ~30 min for a 135M model, so CPU runs default to a smaller
 * sample (20 documents per task, a 3×3 + 2×3 needle grid: a few minutes); GPUs get the full set.
 */
export function defaultSuites(cpu = false, env: NodeJS.ProcessEnv = process.env): BenchmarkSuites {
  // 40 new tokens: small chat models answer in full sentences, and shorter cuts the answer off.
  const judge = judgeFromEnv(env);
  return cpu
    ? {
        lm_eval: { tasks: 'default', limit: 20, num_fewshot: null, batch_size: 1 },
        needle: { context_lengths: [256, 512, 1024], depths: [0, 0.5, 1], chunk_counts: [2, 4], judge, max_new_tokens: 40 },
      }
    : {
        lm_eval: { tasks: 'default', limit: null, num_fewshot: null, batch_size: 'auto' },
        needle: { context_lengths: [512, 1024, 2048, 4096], depths: [0, 0.25, 0.5, 0.75, 1], chunk_counts: [2, 4, 8], judge, max_new_tokens: 40 },
      };
}

/**
 * `HONE_BENCHMARK_DEFAULTS` (JSON, per suite, e.g. {"lm_eval":{"limit":5}}) overrides the built-in
 * defaults on this machine: a team that wants quicker (or fuller) benchmarks after every job sets it
 * once. Unreadable JSON is ignored with a message on stderr rather than failing jobs.
 */
function machineDefaults(base: BenchmarkSuites, env: NodeJS.ProcessEnv): BenchmarkSuites {
  const raw = env.HONE_BENCHMARK_DEFAULTS;
  if (!raw) return base;
  try {
    const o = JSON.parse(raw) as Partial<Record<'lm_eval' | 'needle', unknown>>;
    const pick = (k: 'lm_eval' | 'needle') => (o[k] === false ? null : o[k] && typeof o[k] === 'object' && base[k] ? { ...base[k], ...(o[k] as object) } : base[k]);
    return { lm_eval: pick('lm_eval'), needle: pick('needle') };
  } catch {
    console.error('hone: HONE_BENCHMARK_DEFAULTS is not JSON; using the built-in benchmark defaults');
    return base;
  }
}

/** Merges a job's `hone.benchmarks` setting over the defaults; null = benchmarks off. */
export function resolveSuites(setting: unknown, cpu = false, env: NodeJS.ProcessEnv = process.env): BenchmarkSuites | null {
  if (setting === false) return null;
  const base = machineDefaults(defaultSuites(cpu, env), env);
  if (setting === true || setting === null || setting === undefined || typeof setting !== 'object') return base;
  const s = setting as Partial<Record<'lm_eval' | 'needle', unknown>>;
  const pick = (k: 'lm_eval' | 'needle') =>
    s[k] === false || s[k] === null ? null : s[k] && typeof s[k] === 'object' ? { ...(base[k] ?? {}), ...(s[k] as object) } : base[k];
  return { lm_eval: pick('lm_eval'), needle: pick('needle') };
}

/** The bench CLI names its suites as a list; older specs sent an object keyed by suite. */
const suiteNames = (s: unknown): string[] => (Array.isArray(s) ? s.map(String) : s && typeof s === 'object' ? Object.keys(s) : []);

const fmt = (x: unknown) => (typeof x === 'number' ? x.toFixed(3) : String(x));

/** How a benchmark event reads among the job's events. A failing benchmark is a warning, never a job error. */
export function benchEventToJobEvent(e: TrainerEvent): NewEvent | null {
  switch (e.type as string) {
    case 'started':
      return { message: `Benchmarking ${e.adapter_path ? 'the fine-tuned model' : e.model} on ${e.device}: ${suiteNames(e.suites).join(', ')}` };
    case 'progress':
      return { message: `Benchmark ${String(e.suite)} ${String(e.step)}/${String(e.total)}: ${String(e.message ?? '')}`.trim() };
    case 'suite_result': {
      const m = (e.metrics as Record<string, number>) ?? {};
      const summary = Object.entries(m).slice(0, 4).map(([k, v]) => `${k}=${fmt(v)}`).join(', ');
      return { type: 'metrics', message: `Benchmark ${String(e.suite)} (${String(e.model)}${e.cached ? ', cached' : ''}): ${summary}`, data: { benchmark: true, suite: e.suite, model: e.model, metrics: m } };
    }
    case 'warning':
      return { level: 'warn', message: `Benchmark: ${String(e.message)}`, data: e.code ? { code: e.code } : null };
    case 'completed':
      return { message: `Benchmarks completed${(e.failed_suites as string[] | undefined)?.length ? ` (failed: ${(e.failed_suites as string[]).join(', ')})` : ''}`, data: { deltas: e.deltas } };
    case 'error':
      return { level: 'warn', message: `Benchmark failed (the fine-tuned model is unaffected): ${String(e.message)}`, data: { code: e.code } };
    default:
      return null;
  }
}
