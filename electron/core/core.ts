import { DataDir } from './storage/data-dir.js';
import { openDatabase } from './db/database.js';
import { FileStore } from './files/file-store.js';
import { UploadStore } from './uploads/upload-store.js';
import { JobStore } from './jobs/job-store.js';
import { JobService, type DatasetCheck } from './jobs/job-service.js';
import { ServingManager } from './serving/serving-manager.js';
import { ExportService } from './exports/export-service.js';
import { workerDatasetCheck } from './validation/dataset-check.js';
import { ModelCatalog } from './models/catalog.js';
import { locateEnvironment } from './python/locate.js';
import { EnvironmentManager, type EnvironmentManagerOptions } from './environment/manager.js';
import { nvidiaSmiProbe, type GpuProbe } from './scheduler/gpu-inventory.js';
import { MlflowServer } from './mlflow/mlflow-server.js';
import { ensureExperiment, experimentName, experimentUrl, runName } from './mlflow/tracking.js';
import { ExampleIndexes } from './examples/example-index.js';
import { ModelPreparer } from './models/model-preparer.js';
import { SettingsStore } from './settings/settings-store.js';
import { PackImporter, benchmarkPacksFile } from './packs/pack-importer.js';
import { DEFAULT_MAX_FILE_BYTES } from '../shared/constants.js';
import type { CoreContext } from './server/types.js';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface CoreOptions {
  dataDir: string;
  maxFileBytes?: number;
  /** Python with hone_trainer installed (default: the project's .venv). */
  python?: string;
  /** GPU discovery (default: nvidia-smi); tests inject inventories. */
  gpuProbe?: GpuProbe;
  checkDataset?: DatasetCheck;
  trainerEnv?: NodeJS.ProcessEnv;
  stopGraceMs?: number;
  killGraceMs?: number;
  checkpointEverySeconds?: number;
  /** 'local' (default: a managed server in the data dir), 'off', or a tracking URI. Env: HONE_MLFLOW_URI / HONE_MLFLOW. */
  mlflow?: string;
  /** Benchmarks after each successful job unless it opts out (default: on; env HONE_BENCHMARKS=off). */
  benchmarksByDefault?: boolean;
  /** Environment manager overrides (tests: base-Python candidates, installer arguments). */
  environment?: Partial<Omit<EnvironmentManagerOptions, 'dataDir'>>;
}

export interface Core extends CoreContext {
  /** Periodic clean-up (expired uploads and files); call `close` to stop it. */
  close(): Promise<void>;
}

/** Opens the data dir and database and wires the stores. Plain Node: hosted by headless or Electron. */
export async function createCore(opts: CoreOptions): Promise<Core> {
  const dirs = new DataDir(opts.dataDir).ensure();
  const db = openDatabase(dirs.dbFile);
  const files = new FileStore(db, dirs);
  const uploads = new UploadStore(db, dirs, files);
  const examples = new ExampleIndexes(dirs.indexesDir);
  files.onDeleted((id) => examples.remove(id));
  await clearTmp(dirs.tmpDir); // leftovers of a crash mid-upload never became files
  // One place decides the environment (python/locate.ts); an explicit `python` is an external one.
  const located = opts.python ? { profile: 'external' as const, python: opts.python, venvDir: null } : locateEnvironment(dirs.root);
  const python = located.python;
  const catalog = new ModelCatalog(python, dirs.modelsDir);
  const settings = new SettingsStore(dirs);
  // What every Python child gets: the settings' HF token and judge, then the host's own extras.
  // Nothing leaves the machine: MLflow's client telemetry is off unless the host says otherwise.
  // HONE_BENCHMARK_PACKS: the tasks imported benchmark packs make available offline (trainer's lm-eval suite).
  const childEnv = () => ({ ...PYTHON_CHILD_DEFAULTS, HONE_BENCHMARK_PACKS: benchmarkPacksFile(dirs), ...process.env, ...settings.childEnv(), ...opts.trainerEnv });
  const preparer = new ModelPreparer(python, dirs.modelsDir, catalog, childEnv);
  const packs = new PackImporter({ dirs, env: childEnv, knownModelIds: async () => (await catalog.entries()).map((e) => e.id) });
  // Env (HONE_MLFLOW_URI / HONE_MLFLOW) ← settings.json ← 'local'; read once: a change applies after a restart.
  const mlflowSetting = opts.mlflow ?? settings.mlflowUri().value;
  const mlflow =
    mlflowSetting === 'off'
      ? null
      : new MlflowServer({ python, dir: join(dirs.root, 'mlflow'), remoteUri: /^https?:\/\//.test(mlflowSetting) ? mlflowSetting : null });
  const jobs = new JobService({
    store: new JobStore(db),
    files,
    dirs,
    catalog,
    python,
    gpuProbe: opts.gpuProbe ?? nvidiaSmiProbe,
    checkDataset: opts.checkDataset ?? workerDatasetCheck(files, dirs),
    childEnv,
    stopGraceMs: opts.stopGraceMs,
    killGraceMs: opts.killGraceMs,
    checkpointEverySeconds: opts.checkpointEverySeconds ?? (Number(process.env.HONE_CHECKPOINT_EVERY_SECONDS) || undefined),
    // One experiment per (base model, dataset); the run is named after the job and its start.
    mlflowFor: mlflow
      ? async (row) => {
          const uri = await mlflow.uri();
          const file = files.require(row.training_file);
          const name = experimentName(row.model, file.filename, file.sha256);
          const id = await ensureExperiment(uri, name);
          return { tracking_uri: uri, experiment_name: name, experiment_id: id, experiment_url: experimentUrl(uri, id), run_name: runName(row.id, 'train') };
        }
      : undefined,
    mlflowForBenchmark: mlflow
      ? async (row) => {
          const m = row.mlflow ? (JSON.parse(row.mlflow) as { experiment_name?: string }) : null;
          const uri = await mlflow.uri();
          // After a job: its experiment. On demand: one experiment per model for its benchmarks.
          const name = m?.experiment_name ?? `hone/${row.model.replace(/\/+$/, '').split('/').pop()}/benchmarks`;
          const id = await ensureExperiment(uri, name);
          return { tracking_uri: uri, experiment_name: name, experiment_id: id, experiment_url: experimentUrl(uri, id), run_name: runName(row.id, 'benchmark') };
        }
      : undefined,
    benchmarksByDefault: opts.benchmarksByDefault ?? (() => settings.benchmarksByDefault().value),
    // A job must not start on an environment that pip is rewriting; it starts when the run ends.
    holdReason: () => (environment?.changing ? 'the Python environment is being installed or repaired (Setup); the job starts when that ends' : null),
    // Loaded inference workers hold their slot until a training job needs it (then they unload).
    servingSlots: () => serving?.slots() ?? [],
    preempt: (slot, jobId) => serving?.preempt(slot, jobId),
  });
  let serving: ServingManager | null = null;
  let environment: EnvironmentManager | null = null;
  await jobs.init();
  environment = new EnvironmentManager({
    dataDir: dirs.root,
    located,
    jobs: () => {
      const rows = db.prepare(`SELECT status, COUNT(*) AS n FROM jobs WHERE status IN ('running', 'queued') GROUP BY status`).all() as Array<{ status: string; n: number }>;
      return { running: rows.find((r) => r.status === 'running')?.n ?? 0, queued: rows.find((r) => r.status === 'queued')?.n ?? 0 };
    },
    childEnv: () => ({ ...PYTHON_CHILD_DEFAULTS, ...process.env, ...opts.trainerEnv }),
    // Services keep `python` (its path is fixed); what they cached about it is stale now.
    onEnvironmentChanged: () => {
      catalog.invalidate();
      jobs.schedule();
    },
    ...opts.environment,
  });

  serving = new ServingManager({
    python,
    modelsDir: dirs.modelsDir,
    childEnv,
    dataDir: dirs.root,
    inventory: () => {
      const inv = jobs.inventory();
      return { gpus: inv.gpus.map((g) => g.index), busy: [...inv.live.values()].flat() };
    },
    onSlotFreed: () => jobs.schedule(),
  });
  const exportService = new ExportService({ python, dataDir: dirs.root, childEnv });

  const sweep = async () => {
    await uploads.sweepExpired();
    await files.sweepExpired();
  };
  await sweep();
  const timer = setInterval(() => void sweep().catch(() => undefined), 60_000);
  timer.unref();

  return {
    db,
    dirs,
    files,
    uploads,
    jobs,
    catalog,
    mlflow,
    limits: { maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES },
    examples,
    preparer,
    settings,
    packs,
    python,
    serving,
    exports: exportService,
    environment,
    // Filled in by startServer once it listens.
    server: { url: '', host: '', port: 0, team_mode: false },
    apiKey: { key: null, source: 'off', rotate: null },
    async close() {
      clearInterval(timer);
      environment.close();
      await Promise.all([serving.close(), exportService.close()]);
      await jobs.close();
      await mlflow?.stop();
      db.close();
    },
  };
}

/**
 * What every Python child (trainer, benchmark, estimate, inference worker, installer) gets unless the
 * user's environment says otherwise. They share the CPU with each other: OpenMP threads that spin
 * while they wait burn it (two tiny-llama trainers side by side on 2 cores: 26× the wall time of the
 * same two with passive waits).
 */
const PYTHON_CHILD_DEFAULTS = { MLFLOW_DISABLE_TELEMETRY: 'true', OMP_WAIT_POLICY: 'PASSIVE' };

async function clearTmp(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}
