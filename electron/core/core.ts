import { DataDir } from './storage/data-dir.js';
import { openDatabase } from './db/database.js';
import { FileStore } from './files/file-store.js';
import { UploadStore } from './uploads/upload-store.js';
import { JobStore } from './jobs/job-store.js';
import { JobService, type DatasetCheck } from './jobs/job-service.js';
import { workerDatasetCheck } from './validation/dataset-check.js';
import { ModelCatalog } from './models/catalog.js';
import { trainerPython } from './python/locate.js';
import { nvidiaSmiProbe, type GpuProbe } from './scheduler/gpu-inventory.js';
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
  await clearTmp(dirs.tmpDir); // leftovers of a crash mid-upload never became files
  const python = opts.python ?? trainerPython();
  const catalog = new ModelCatalog(python, dirs.modelsDir);
  const jobs = new JobService({
    store: new JobStore(db),
    files,
    dirs,
    catalog,
    python,
    gpuProbe: opts.gpuProbe ?? nvidiaSmiProbe,
    checkDataset: opts.checkDataset ?? workerDatasetCheck(files, dirs),
    trainerEnv: opts.trainerEnv,
    stopGraceMs: opts.stopGraceMs,
    killGraceMs: opts.killGraceMs,
    checkpointEverySeconds: opts.checkpointEverySeconds ?? (Number(process.env.HONE_CHECKPOINT_EVERY_SECONDS) || undefined),
  });
  await jobs.init();

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
    limits: { maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES },
    async close() {
      clearInterval(timer);
      await jobs.close();
      db.close();
    },
  };
}

async function clearTmp(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}
