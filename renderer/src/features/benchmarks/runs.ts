/**
 * One shape for every benchmark run: on-demand ones (`GET /v1/benchmarks`) and the benchmark step
 * that follows a fine-tuning job (`job.hone.benchmark`). Both open at /benchmarks/<id>.
 */
import type { Benchmark, FineTuningJob } from '@shared/schemas/jobs.js';
import type { z } from 'zod';

type BenchmarkApi = z.infer<typeof Benchmark>;

export type RunStatus = 'validating_files' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface BenchmarkRun {
  id: string;
  kind: 'on-demand' | 'job';
  /** The model measured: a base model or a fine-tuned one (`ft:…`). */
  model: string;
  /** What a fine-tuned model is compared with; null when the model is itself a base. */
  baseModel: string | null;
  status: RunStatus;
  /** Why it waits, why it failed or why it was skipped; null otherwise. */
  reason: string | null;
  createdAt: number;
  finishedAt: number | null;
  results: unknown;
  mlflow: unknown;
  /** The suite settings asked for (on demand) or the job's `hone.benchmarks`. */
  settings: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** The reason a failed run gives: the core's own error, else the suites' errors. */
export function failureReason(results: unknown): string | null {
  if (!results || typeof results !== 'object') return null;
  const r = results as { error?: unknown; report?: { errors?: Record<string, unknown> } | null };
  const suites = Object.entries(r.report?.errors ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
  return str(r.error) ?? (suites.length ? suites.join('; ') : null);
}

export function runFromBenchmark(b: BenchmarkApi): BenchmarkRun {
  const status = b.status as RunStatus;
  return {
    id: b.id,
    kind: 'on-demand',
    model: b.model,
    baseModel: b.model === b.base_model ? null : b.base_model,
    status,
    reason: status === 'queued' ? b.queue_reason : status === 'failed' ? (failureReason(b.results) ?? 'the benchmark did not complete; see its console') : null,
    createdAt: b.created_at,
    finishedAt: b.finished_at,
    results: b.results,
    mlflow: b.mlflow,
    settings: b.settings,
  };
}

/** The benchmark step of a job, or null when the job has none (yet, or it was turned off). */
export function runFromJob(j: FineTuningJob): BenchmarkRun | null {
  const bench = j.hone.benchmark;
  if (!bench) return null;
  const status = bench.status;
  return {
    id: j.id,
    kind: 'job',
    model: j.fine_tuned_model ?? j.model,
    baseModel: j.model,
    status,
    reason:
      status === 'failed'
        ? (failureReason(bench) ?? 'the benchmark did not complete; see the job’s console')
        : status === 'skipped'
          ? 'benchmarks were turned off for this job (hone.benchmarks: false)'
          : null,
    createdAt: j.finished_at ?? j.created_at,
    finishedAt: status === 'running' ? null : j.finished_at,
    results: bench,
    mlflow: j.hone.mlflow,
    settings: j.hone.benchmarks,
  };
}

/** Every run, newest first; jobs whose benchmark step was skipped are not runs and stay out. */
export function mergeRuns(benchmarks: BenchmarkApi[], jobs: FineTuningJob[]): BenchmarkRun[] {
  const fromJobs = jobs.map(runFromJob).filter((r): r is BenchmarkRun => r !== null && r.status !== 'skipped');
  return [...benchmarks.map(runFromBenchmark), ...fromJobs].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

export const isActive = (s: RunStatus): boolean => s === 'queued' || s === 'running' || s === 'validating_files' || s === 'paused';

export const STATUS_TEXT: Record<RunStatus, string> = {
  validating_files: 'Validating',
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

export const statusBadge = (s: RunStatus): string =>
  s === 'succeeded' ? 'ok' : s === 'failed' ? 'error' : s === 'running' ? 'info' : s === 'queued' || s === 'paused' ? 'warn' : '';
