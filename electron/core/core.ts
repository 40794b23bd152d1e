import { DataDir } from './storage/data-dir.js';
import { openDatabase } from './db/database.js';
import { FileStore } from './files/file-store.js';
import { UploadStore } from './uploads/upload-store.js';
import { DEFAULT_MAX_FILE_BYTES } from '../shared/constants.js';
import type { CoreContext } from './server/types.js';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface CoreOptions {
  dataDir: string;
  maxFileBytes?: number;
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
    limits: { maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES },
    async close() {
      clearInterval(timer);
      db.close();
    },
  };
}

async function clearTmp(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}
