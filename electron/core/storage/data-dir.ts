import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The data dir's layout, in one place. Everything Hone persists lives under `root`. */
export class DataDir {
  constructor(readonly root: string) {}

  get dbFile(): string {
    return join(this.root, 'hone.db');
  }
  get filesDir(): string {
    return join(this.root, 'files');
  }
  get uploadsDir(): string {
    return join(this.root, 'uploads');
  }
  /** Scratch space on the same filesystem as `files/`, so finished temp files can be renamed. */
  get tmpDir(): string {
    return join(this.root, 'tmp');
  }
  get jobsDir(): string {
    return join(this.root, 'jobs');
  }
  get modelsDir(): string {
    return join(this.root, 'models');
  }
  /** Per-file example indexes (a cache: rebuilt when missing). */
  get indexesDir(): string {
    return join(this.root, 'indexes');
  }
  get settingsFile(): string {
    return join(this.root, 'settings.json');
  }
  get hfTokenFile(): string {
    return join(this.root, 'hf-token');
  }
  get apiKeyFile(): string {
    return join(this.root, 'api-key');
  }

  /** Creates the layout (0700 root: the API key and users' datasets live here). */
  ensure(): this {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    for (const d of [this.filesDir, this.uploadsDir, this.tmpDir, this.jobsDir, this.modelsDir, this.indexesDir]) {
      mkdirSync(d, { recursive: true });
    }
    return this;
  }
}
