import { z } from 'zod';
import { ServingWorker } from './chat.js';
import { Benchmark, FineTuningJob, GpuInventory } from './jobs.js';

/** Below this much free space in the data dir the app warns (checkpoints and models need room). */
export const LOW_DISK_BYTES = 10e9;

/**
 * `GET /v1/hone/system` (Hone extension): everything the Overview shows in one answer — GPUs with
 * what runs on each and the queue (as /v1/system/gpus), free disk in the data dir, and the health
 * of MLflow and of the Python environment. The live stream (`GET /v1/hone/live`) pushes it too.
 */
export const SystemStatus = z
  .object({
    object: z.literal('hone.system'),
    gpus: GpuInventory,
    /** null figures: the filesystem did not answer statfs. */
    disk: z.object({ path: z.string(), free_bytes: z.number().nullable(), total_bytes: z.number().nullable() }),
    mlflow: z.object({
      /** idle: the local server starts on first use (a job, or opening Experiments); down: it died or does not answer. */
      status: z.enum(['ok', 'starting', 'idle', 'down', 'off', 'remote']),
      /** Where the app opens the MLflow UI: Hone's proxy path ('/mlflow/') or a remote URI; null when off. */
      ui_url: z.string().nullable(),
      /** false: a remote server that cannot be framed; the app opens it in a new window. */
      embeddable: z.boolean(),
      /** What it means and, when something is wrong, what to do. */
      message: z.string().nullable(),
    }),
    python: z.object({
      /** missing: the interpreter cannot be run; broken: it runs but torch or hone_trainer do not import. */
      status: z.enum(['ok', 'missing', 'broken']),
      executable: z.string(),
      version: z.string().nullable(),
      torch: z.string().nullable(),
      /** What is wrong and how to fix it (null when ok). */
      message: z.string().nullable(),
    }),
    /** Fine-tuning jobs and on-demand benchmarks together (they share the slots). */
    jobs: z.object({ running: z.number().int(), queued: z.number().int() }),
    /** Loaded inference workers (GET /v1/hone/serving has the full status); on GET /v1/hone/system. */
    serving: z.array(ServingWorker).optional(),
  })
  .meta({ id: 'SystemStatus' });
export type SystemStatus = z.infer<typeof SystemStatus>;

/** The data of a `job` event on `GET /v1/hone/live`: a job or benchmark as its own GET returns it. */
export const LiveJobUpdate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('job'), job: FineTuningJob }),
  z.object({ kind: z.literal('benchmark'), job: Benchmark }),
]);
export type LiveJobUpdate = z.infer<typeof LiveJobUpdate>;
