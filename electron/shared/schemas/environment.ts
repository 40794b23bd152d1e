/**
 * `/v1/hone/environment` (Hone extension): the Python environment the trainer runs in, and the
 * installer runs (install / repair / reinstall / verify) with their live steps. The same status
 * object arrives as `environment` events on `GET /v1/hone/live`.
 */
import { z } from 'zod';

/** The installer's steps, in the order it runs them. */
export const ENV_STEPS = ['python', 'hardware', 'disk', 'venv', 'resolve', 'download', 'install', 'verify', 'smoke'] as const;
export const EnvStepName = z.enum(ENV_STEPS);

/** Torch builds the installer knows; `auto` = the one the detected hardware implies. */
export const TORCH_VARIANTS = ['auto', 'cpu', 'cu130', 'cu128', 'cu126', 'rocm', 'mps'] as const;
export const TorchVariant = z.enum(TORCH_VARIANTS);
export type TorchVariant = z.infer<typeof TorchVariant>;

export const EnvAction = z.enum(['install', 'repair', 'reinstall', 'verify']);
export type EnvAction = z.infer<typeof EnvAction>;

export const EnvProgress = z.object({
  done: z.number(),
  total: z.number(),
  bytes_done: z.number(),
  /** null: the size is not known in advance (pip did not say). */
  bytes_total: z.number().nullable(),
  item: z.string().nullable(),
});
export type EnvProgress = z.infer<typeof EnvProgress>;

export const EnvStep = z.object({
  name: EnvStepName,
  status: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
  message: z.string().nullable(),
  progress: EnvProgress.nullable(),
});
export type EnvStep = z.infer<typeof EnvStep>;

/**
 * Codes: the installer's (python_too_old, no_network, disk_full, cuda_driver_too_old,
 * wheelhouse_invalid, pip_failed, verify_failed, smoke_failed) and the core's own (python_not_found,
 * installer_crashed, installer_timeout, installer_missing).
 */
export const EnvError = z.object({ code: z.string(), message: z.string(), detail: z.string().nullable() });
export type EnvError = z.infer<typeof EnvError>;

export const EnvHardware = z
  .object({
    kind: z.string(),
    gpus: z.array(z.object({ name: z.string(), memory_mib: z.number().nullable() })),
    driver_version: z.string().nullable(),
  })
  .loose();

/** `hone-env.json`, written by the installer into the venv when an install or repair succeeded. */
export const EnvMarker = z
  .object({
    format: z.number().optional(),
    profile: z.string().optional(),
    python_version: z.string().nullable().optional(),
    torch_version: z.string().nullable().optional(),
    torch_variant: z.string().nullable().optional(),
    hardware: EnvHardware.nullable().optional(),
    source: z.string().nullable().optional(),
    wheelhouse: z.string().nullable().optional(),
    installed_at: z.union([z.string(), z.number()]).nullable().optional(),
    trainer_version: z.string().nullable().optional(),
    verified: z
      .object({
        /** true: torch imported (older markers: its version). */
        torch: z.union([z.boolean(), z.string()]).nullable().optional(),
        gpus_visible: z.number().nullable().optional(),
        smoke: z.boolean().nullable().optional(),
        at: z.union([z.string(), z.number()]).nullable().optional(),
      })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();
export type EnvMarker = z.infer<typeof EnvMarker>;

export const EnvRun = z
  .object({
    id: z.string(),
    action: EnvAction,
    options: z.object({ wheelhouse: z.string().nullable(), torch: TorchVariant.nullable() }),
    status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
    started_at: z.number().int(),
    finished_at: z.number().int().nullable(),
    steps: z.array(EnvStep),
    /** The last ~200 lines the installer and pip printed. */
    log: z.array(z.string()),
    error: EnvError.nullable(),
    /** What the installer reported at the end (its `done` event): the environment's facts. */
    result: EnvMarker.nullable().default(null),
  })
  .meta({ id: 'EnvironmentRun' });
export type EnvRun = z.infer<typeof EnvRun>;

/** Whether an action can run now, and why not. */
const Allowed = z.object({ allowed: z.boolean(), reason: z.string().nullable() });

export const EnvironmentStatus = z
  .object({
    object: z.literal('hone.environment'),
    /** external: HONE_PYTHON names the interpreter (Hone only verifies it). */
    status: z.enum(['not_installed', 'ready', 'broken', 'installing', 'external']),
    /** One sentence for the headline ("Broken: torch does not import"); null when ready. */
    message: z.string().nullable(),
    /** app: the app-owned venv in the data dir; dev: the source checkout's .venv; external: HONE_PYTHON. */
    profile: z.enum(['app', 'dev', 'external']),
    managed: z.boolean(),
    /** The interpreter every trainer, benchmark and MLflow child runs with. */
    python: z.string(),
    venv_dir: z.string().nullable(),
    /** true while the first check of the interpreter (it imports torch: seconds) is still running; an update follows. */
    checking: z.boolean(),
    /** What the interpreter reports now (null when it cannot run). */
    python_version: z.string().nullable(),
    torch_version: z.string().nullable(),
    marker: EnvMarker.nullable(),
    /** The Python a new venv is created from (found when an install starts or hardware is asked for). */
    base_python: z.object({ path: z.string(), version: z.string(), source: z.string() }).nullable(),
    actions: z.object({ install: Allowed, repair: Allowed, reinstall: Allowed, verify: Allowed }),
    jobs: z.object({ running: z.number().int(), queued: z.number().int() }),
    current_run: EnvRun.nullable(),
    /** The latest finished run (kept across restarts). */
    last_run: EnvRun.nullable(),
  })
  .meta({ id: 'EnvironmentStatus' });
export type EnvironmentStatus = z.infer<typeof EnvironmentStatus>;

export const EnvRunBody = z
  .object({
    action: EnvAction,
    /** A wheelhouse folder (with manifest.json) or its .tar, for an install with no network. */
    wheelhouse: z.string().trim().min(1).max(4096).optional(),
    torch: TorchVariant.optional(),
  })
  .strict()
  .meta({ id: 'EnvironmentRunRequest' });
export type EnvRunBody = z.infer<typeof EnvRunBody>;

/** `GET /v1/hone/environment/hardware`: the installer's `detect --json`. */
export const EnvHardwareInfo = z
  .object({
    object: z.literal('hone.environment.hardware'),
    kind: z.string(),
    gpus: z.array(z.object({ name: z.string(), memory_mib: z.number().nullable() })),
    driver_version: z.string().nullable(),
    /** The torch build `auto` resolves to (null: none fits, see error). */
    variant: z.string().nullable(),
    /** Why the build was chosen, in words. */
    reason: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'EnvironmentHardware' });
export type EnvHardwareInfo = z.infer<typeof EnvHardwareInfo>;
