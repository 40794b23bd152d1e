/**
 * The results of a benchmark run as stored in `job.hone.benchmark` and `Benchmark.results`: the
 * bench CLI's completed event (hone_trainer/bench/events.py) plus the status the core adds. The
 * API types `results` loosely; the UI parses it with these schemas. Optional parts fall back to
 * empty on a malformed value, so one bad field never hides the rest.
 */
import { z } from 'zod';

export const BENCHMARK_STATUSES = ['running', 'succeeded', 'failed', 'skipped'] as const;
export const ModelLabel = z.enum(['fine-tuned', 'base']);
export type ModelLabel = z.infer<typeof ModelLabel>;

export const NeedleCell = z.object({
  model: ModelLabel,
  /** context: one document of `x` prompt tokens; chunks: `x` retrieved chunks. */
  mode: z.enum(['context', 'chunks']),
  x: z.number(),
  /** Where the needle sits, 0 (start) … 1 (end). */
  depth: z.number(),
  score: z.number(),
  prompt_tokens: z.number().optional(),
});
export type NeedleCell = z.infer<typeof NeedleCell>;

export const BenchmarkReport = z.object({
  lm_eval: z
    .object({
      tasks: z.array(z.string()).catch([]),
      /** "lm_eval/<task>/<metric>" → true when higher is better, as the harness says. */
      higher_is_better: z.record(z.string(), z.boolean()).catch({}),
      /** Documents evaluated per task. */
      samples: z.record(z.string(), z.number()).catch({}),
    })
    .nullable()
    .catch(null),
  needle: z
    .object({
      scorer: z.enum(['contains', 'geval']).catch('contains'),
      cells: z.array(NeedleCell).catch([]),
      skipped_cells: z.record(z.string(), z.number()).catch({}),
      judge_error: z.string().nullable().catch(null),
    })
    .nullable()
    .catch(null),
  /** Failed suite → why. */
  errors: z.record(z.string(), z.string()).catch({}),
});
export type BenchmarkReport = z.infer<typeof BenchmarkReport>;

const Metrics = z.record(z.string(), z.number().nullable());

export const BenchmarkResults = z
  .object({
    status: z.enum(BENCHMARK_STATUSES),
    /** Per model label ("fine-tuned", "base"): metric name → value. */
    metrics: z.record(z.string(), Metrics).catch({}).default({}),
    /** fine-tuned − base, per metric both have. */
    deltas: Metrics.catch({}).default({}),
    /** Artifact key (results_json, comparison_csv, needle_grid_csv, needle_context_plot, needle_chunks_plot) → path. */
    artifacts: z.record(z.string(), z.string()).catch({}).default({}),
    failed_suites: z.array(z.string()).catch([]).default([]),
    report: BenchmarkReport.nullable().catch(null).default(null),
    /** Why the whole run failed (set by the core). */
    error: z.string().optional().catch(undefined),
  })
  .loose();
export type BenchmarkResults = z.infer<typeof BenchmarkResults>;

/** The artifact keys `GET /v1/benchmarks/{id}/artifacts/{name}` serves. */
export const BENCHMARK_ARTIFACTS = ['results_json', 'comparison_csv', 'needle_grid_csv', 'needle_context_plot', 'needle_chunks_plot'] as const;
export const BenchmarkArtifactParams = z.object({
  benchmark_id: z.string().min(1).max(128),
  name: z.enum(BENCHMARK_ARTIFACTS),
});

/**
 * Per-suite overrides of `POST /v1/benchmarks` (`suites`), checked before a run is queued so a bad
 * value is a 400 naming its field (e.g. `suites.needle.depths`) instead of a failed run. Mirrors the
 * bench CLI's spec (hone_trainer/bench/spec.py); a suite set to false or null is off.
 */
const PositiveInts = z.array(z.number().int().min(1).max(1_000_000)).min(1).max(32);
export const LmEvalOverrides = z
  .object({
    tasks: z.union([z.literal('default'), z.array(z.string().trim().min(1).max(200)).min(1).max(64)]).optional(),
    limit: z.number().int().min(1).max(1_000_000).nullable().optional(),
    num_fewshot: z.number().int().min(0).max(100).nullable().optional(),
    batch_size: z.union([z.number().int().min(1).max(4096), z.literal('auto')]).optional(),
  })
  .strict();
export const NeedleOverrides = z
  .object({
    context_lengths: PositiveInts.optional(),
    depths: z.array(z.number().min(0, 'depths are between 0 and 1').max(1, 'depths are between 0 and 1')).min(1).max(32).optional(),
    chunk_counts: PositiveInts.optional(),
    judge: z.object({ base_url: z.string().min(1), api_key: z.string().nullable().optional(), model: z.string().min(1) }).strict().nullable().optional(),
    max_new_tokens: z.number().int().min(1).max(1024).optional(),
    distractors: z.number().int().min(0).max(100).optional(),
    chunk_tokens: z.number().int().min(16).max(100_000).optional(),
    seed: z.number().int().optional(),
  })
  .strict();
const SUITE_SCHEMAS = { lm_eval: LmEvalOverrides, needle: NeedleOverrides } as const;

/** The first problem with a `suites` value as an error message and the field it is about (numeric
 * path parts dropped: `suites.needle.depths`, not `…depths.2`), or null when the value is fine. */
export function suitesProblem(suites: unknown): { message: string; param: string } | null {
  if (suites === undefined || suites === null || typeof suites === 'boolean') return null;
  if (typeof suites !== 'object' || Array.isArray(suites)) return { message: 'suites must be true (the defaults), false or an object {lm_eval, needle}.', param: 'suites' };
  const obj = suites as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!(k in SUITE_SCHEMAS)) return { message: `Unknown suite '${k}'; the suites are lm_eval and needle.`, param: `suites.${k}` };
  }
  if (Object.keys(SUITE_SCHEMAS).every((k) => obj[k] === false || obj[k] === null)) return { message: 'At least one suite (lm_eval, needle) must be on.', param: 'suites' };
  for (const [k, schema] of Object.entries(SUITE_SCHEMAS)) {
    const v = obj[k];
    if (v === undefined || v === null || typeof v === 'boolean') continue;
    const r = schema.safeParse(v);
    if (r.success) continue;
    const issue = r.error.issues[0]!;
    const path = issue.path.filter((p): p is string => typeof p === 'string');
    if (issue.code === 'unrecognized_keys') return { message: `suites.${k} has no setting '${issue.keys[0]}'.`, param: `suites.${k}.${issue.keys[0]}` };
    const param = ['suites', k, ...path].join('.');
    return { message: `${param}: ${issue.message}`, param };
  }
  return null;
}
