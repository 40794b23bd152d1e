import { z } from 'zod';
import { UnixTime } from './common.js';

/** `"auto"` or a value, as OpenAI's hyperparameters. */
const autoOr = <T extends z.ZodType>(t: T) => z.union([z.literal('auto'), t]);

export const Hyperparameters = z.object({
  n_epochs: autoOr(z.number().int().min(1).max(50)).optional(),
  batch_size: autoOr(z.number().int().min(1).max(256)).optional(),
  learning_rate_multiplier: autoOr(z.number().gt(0).max(100)).optional(),
  /** DPO only. */
  beta: autoOr(z.number().gt(0).max(2)).optional(),
  // Hone extras (documented in the README and OpenAPI):
  max_seq_length: z.number().int().min(16).max(1_048_576).optional(),
  lora_r: z.number().int().min(1).max(1024).optional(),
  lora_alpha: z.number().gt(0).max(4096).optional(),
  lora_dropout: z.number().min(0).max(0.9).optional(),
  warmup_ratio: z.number().min(0).max(0.5).optional(),
  gradient_accumulation_steps: z.number().int().min(1).max(1024).optional(),
  full_finetune: z.boolean().optional(),
  qlora: z.boolean().optional(),
});
export type Hyperparameters = z.infer<typeof Hyperparameters>;

export const Method = z.object({
  type: z.enum(['supervised', 'dpo']),
  supervised: z.object({ hyperparameters: Hyperparameters.optional() }).optional(),
  dpo: z.object({ hyperparameters: Hyperparameters.optional() }).optional(),
});
export type Method = z.infer<typeof Method>;

export const Integration = z.object({ type: z.string(), wandb: z.record(z.string(), z.unknown()).optional() }).loose();

export const Metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, 'metadata can have at most 16 pairs');

/** Hone's own job settings (extra fields; OpenAI clients may ignore them). */
export const HoneJobOptions = z.object({
  /** GPUs this job needs (0 = CPU). Default 1 where GPUs exist, else 0. */
  gpus: z.number().int().min(0).max(64).optional(),
  /** Higher starts first; ties go first-come first-served. */
  priority: z.number().int().min(-100).max(100).optional(),
  /** Benchmarks after training (see the benchmarks endpoint); false turns them off. */
  benchmarks: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
});

export const CreateJobBody = z
  .object({
    model: z.string().min(1).max(512),
    training_file: z.string().min(1).max(512),
    validation_file: z.string().min(1).max(512).nullable().optional(),
    hyperparameters: Hyperparameters.optional(),
    method: Method.optional(),
    suffix: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'suffix may contain only letters, digits, _ . -').nullable().optional(),
    seed: z.number().int().min(0).max(2147483647).nullable().optional(),
    metadata: Metadata.nullable().optional(),
    integrations: z.array(Integration).max(5).nullable().optional(),
    hone: HoneJobOptions.optional(),
  })
  .meta({ id: 'CreateFineTuningJobRequest' });
export type CreateJobBody = z.infer<typeof CreateJobBody>;

export const JOB_STATUSES = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'paused'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export const JobError = z.object({ code: z.string(), message: z.string(), param: z.string().nullable() });

const ResolvedValue = z.union([z.literal('auto'), z.number()]);

export const FineTuningJob = z
  .object({
    id: z.string(),
    object: z.literal('fine_tuning.job'),
    created_at: UnixTime,
    model: z.string(),
    organization_id: z.string(),
    status: JobStatus,
    training_file: z.string(),
    validation_file: z.string().nullable(),
    result_files: z.array(z.string()),
    fine_tuned_model: z.string().nullable(),
    finished_at: UnixTime.nullable(),
    trained_tokens: z.number().int().nullable(),
    error: JobError.nullable(),
    hyperparameters: z.object({
      n_epochs: ResolvedValue,
      batch_size: ResolvedValue,
      learning_rate_multiplier: ResolvedValue,
    }).loose(),
    seed: z.number().int(),
    estimated_finish: UnixTime.nullable(),
    integrations: z.array(Integration).nullable(),
    method: z.object({ type: z.string() }).loose(),
    metadata: z.record(z.string(), z.string()).nullable(),
    suffix: z.string().nullable(),
    /** Hone extras: scheduling and progress. */
    hone: z.object({
      gpus: z.number().int(),
      priority: z.number().int(),
      assigned_gpus: z.array(z.number().int()).nullable(),
      queue_position: z.number().int().nullable(),
      queue_reason: z.string().nullable(),
      started_at: UnixTime.nullable(),
      step: z.number().int().nullable(),
      total_steps: z.number().int().nullable(),
      hyperparameters: z.record(z.string(), z.unknown()),
      /** The benchmark settings: false (off), true (defaults) or per-suite overrides. */
      benchmarks: z.unknown(),
      /** The benchmark step after training: status, metrics (fine-tuned and base), deltas, artifacts. */
      benchmark: z.object({ status: z.enum(['running', 'succeeded', 'failed', 'skipped']) }).loose().nullable(),
      mlflow: z.unknown().nullable(),
    }),
  })
  .meta({ id: 'FineTuningJob' });
export type FineTuningJob = z.infer<typeof FineTuningJob>;

export const JobList = z.object({ object: z.literal('list'), data: z.array(FineTuningJob), has_more: z.boolean() }).meta({ id: 'ListFineTuningJobsResponse' });

export const JobEvent = z
  .object({
    id: z.string(),
    object: z.literal('fine_tuning.job.event'),
    created_at: UnixTime,
    level: z.enum(['info', 'warn', 'error']),
    message: z.string(),
    type: z.enum(['message', 'metrics']),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'FineTuningJobEvent' });
export type JobEvent = z.infer<typeof JobEvent>;
export const JobEventList = z.object({ object: z.literal('list'), data: z.array(JobEvent), has_more: z.boolean() }).meta({ id: 'ListFineTuningJobEventsResponse' });

export const JobCheckpoint = z
  .object({
    id: z.string(),
    object: z.literal('fine_tuning.job.checkpoint'),
    created_at: UnixTime,
    fine_tuned_model_checkpoint: z.string(),
    fine_tuning_job_id: z.string(),
    step_number: z.number().int(),
    metrics: z.record(z.string(), z.number().nullable()),
  })
  .meta({ id: 'FineTuningJobCheckpoint' });
export const JobCheckpointList = z
  .object({ object: z.literal('list'), data: z.array(JobCheckpoint), first_id: z.string().nullable(), last_id: z.string().nullable(), has_more: z.boolean() })
  .meta({ id: 'ListFineTuningJobCheckpointsResponse' });

export const JobIdParams = z.object({ fine_tuning_job_id: z.string().min(1).max(128) });

export const JobListQuery = z.object({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const Model = z
  .object({
    id: z.string(),
    object: z.literal('model'),
    created: UnixTime,
    owned_by: z.string(),
    /** Hone extras. */
    kind: z.enum(['builtin', 'local', 'hub', 'fine-tuned']),
    base_model: z.string().nullable(),
    path: z.string().nullable(),
    // Hone extras for the Models view and the job wizard (optional: older servers omit them).
    /** One line for people: what the model is. */
    description: z.string().nullable().optional(),
    /** Bytes on disk (a fine-tuned model: its adapter or weights); before a download or preparation, what it will write when known. */
    size_bytes: z.number().nullable().optional(),
    /** Parameter count when known. */
    parameters: z.number().nullable().optional(),
    /** What training it needs, for people, e.g. "runs on the CPU; about 1 GB of memory". */
    requirements: z.string().nullable().optional(),
    /** ready: weights here; not_prepared/not_downloaded: fetched on first use or with prepare. */
    status: z.enum(['ready', 'not_prepared', 'not_downloaded', 'preparing', 'downloading', 'failed']).optional(),
    /** While preparing/downloading. */
    progress: z.object({ bytes_done: z.number(), bytes_total: z.number().nullable() }).nullable().optional(),
    /** Why the last prepare/download failed, readable. */
    error: z.string().nullable().optional(),
    /** The job that made a fine-tuned model. */
    job_id: z.string().nullable().optional(),
    /** Whether it can be the base of a new job, and why not. */
    can_be_base: z.boolean().optional(),
    not_base_reason: z.string().nullable().optional(),
  })
  .meta({ id: 'Model' });
export type Model = z.infer<typeof Model>;
export const ModelList = z.object({ object: z.literal('list'), data: z.array(Model) }).meta({ id: 'ListModelsResponse' });
export const ModelDeleted = z.object({ id: z.string(), object: z.literal('model'), deleted: z.boolean() });

export const Gpu = z.object({
  index: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  memory_total_mib: z.number(),
  memory_used_mib: z.number().nullable(),
  utilization_percent: z.number().nullable(),
  /** Hone extra: degrees Celsius as nvidia-smi reports it. */
  temperature_c: z.number().nullable().optional(),
  job_id: z.string().nullable(),
});
export const GpuInventory = z
  .object({
    object: z.literal('list'),
    mode: z.enum(['gpu', 'cpu']),
    data: z.array(Gpu),
    /** CPU mode: the one job slot and who holds it. */
    cpu_slot: z.object({ job_id: z.string().nullable() }).nullable(),
    queue: z.array(z.object({ job_id: z.string(), position: z.number().int(), gpus: z.number().int(), reason: z.string() })),
  })
  .meta({ id: 'GpuInventory' });
export type GpuInventory = z.infer<typeof GpuInventory>;

/** `POST /v1/benchmarks`: benchmark any model on demand (Hone extension). */
export const CreateBenchmarkBody = z
  .object({
    /** A base model (as for jobs) or a fine-tuned model id (`ft:…`); fine-tuned models are compared with their base. */
    model: z.string().min(1).max(1024),
    /** true = the defaults; or per-suite overrides, e.g. {"needle": false, "lm_eval": {"limit": 50}}. */
    suites: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    gpus: z.number().int().min(0).max(64).optional(),
    priority: z.number().int().min(-100).max(100).optional(),
  })
  .meta({ id: 'CreateBenchmarkRequest' });

export const Benchmark = z
  .object({
    id: z.string(),
    object: z.literal('benchmark'),
    created_at: UnixTime,
    model: z.string(),
    base_model: z.string(),
    status: JobStatus,
    finished_at: UnixTime.nullable(),
    settings: z.unknown(),
    queue_reason: z.string().nullable(),
    /** status, metrics (model under test and base), deltas, artifacts. */
    results: z.object({ status: z.string() }).loose().nullable(),
    mlflow: z.unknown().nullable(),
  })
  .meta({ id: 'Benchmark' });
export const BenchmarkList = z.object({ object: z.literal('list'), data: z.array(Benchmark), has_more: z.boolean() }).meta({ id: 'ListBenchmarksResponse' });
