/** The "Benchmark a model" form's fields and the `suites` body they make (pure, unit-tested). */

export interface SuiteForm {
  lmEval: boolean;
  /** "default" or comma-separated task names. */
  tasks: string;
  /** Documents per task; empty = all. */
  limit: string;
  needle: boolean;
  contextLengths: string;
  depths: string;
  chunkCounts: string;
}

/**
 * The server's own defaults (electron/core/jobs/benchmark-step.ts, defaultSuites), shown filled in
 * so a new user sees what will run: a few minutes on the CPU, the full grid on a GPU.
 */
export function defaultsFor(mode: 'cpu' | 'gpu'): SuiteForm {
  return mode === 'cpu'
    ? { lmEval: true, tasks: 'default', limit: '20', needle: true, contextLengths: '256, 512, 1024', depths: '0, 0.5, 1', chunkCounts: '2, 4' }
    : { lmEval: true, tasks: 'default', limit: '', needle: true, contextLengths: '512, 1024, 2048, 4096', depths: '0, 0.25, 0.5, 0.75, 1', chunkCounts: '2, 4, 8' };
}

type Problem = { message: string; param: string };

function numbers(text: string, param: string, what: string): number[] | Problem {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0) return { message: `Give at least one ${what}.`, param };
  const out: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isFinite(n)) return { message: `“${p}” is not a number.`, param };
    out.push(n);
  }
  return out;
}

const isProblem = (v: unknown): v is Problem => typeof v === 'object' && v !== null && 'param' in v;

/**
 * The request's `suites`: each suite off (false) or its settings. Only what cannot be sent as
 * JSON is caught here (text that is not a number); the server checks the values themselves.
 */
export function buildSuites(f: SuiteForm): { suites: Record<string, unknown> } | Problem {
  const suites: Record<string, unknown> = {};
  if (f.lmEval) {
    const t = f.tasks.trim();
    const tasks = t === '' || t === 'default' ? 'default' : t.split(/[\s,]+/).filter(Boolean);
    let limit: number | null = null;
    if (f.limit.trim() !== '') {
      limit = Number(f.limit.trim());
      if (!Number.isFinite(limit)) return { message: `“${f.limit.trim()}” is not a number.`, param: 'suites.lm_eval.limit' };
    }
    suites.lm_eval = { tasks, limit };
  } else suites.lm_eval = false;
  if (f.needle) {
    const context_lengths = numbers(f.contextLengths, 'suites.needle.context_lengths', 'context length');
    if (isProblem(context_lengths)) return context_lengths;
    const depths = numbers(f.depths, 'suites.needle.depths', 'depth');
    if (isProblem(depths)) return depths;
    const chunk_counts = numbers(f.chunkCounts, 'suites.needle.chunk_counts', 'number of chunks');
    if (isProblem(chunk_counts)) return chunk_counts;
    suites.needle = { context_lengths, depths, chunk_counts };
  } else suites.needle = false;
  return { suites };
}
