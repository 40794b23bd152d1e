/**
 * Models prepared on demand: `python -m hone_trainer models prepare <name>` builds a built-in or
 * downloads a hub model (into the HF cache), once per model however many callers wait for it
 * (tokenizer route, validation with `model=`, `POST /v1/models/{model}/prepare`). Progress comes
 * from the trainer's stderr, which reports the bytes the build or download has written to disk.
 */
import { spawn } from 'node:child_process';
import type { ModelCatalog } from './catalog.js';
import { resolveModelDir } from '../validation/model-tokenizer.js';
import { ApiError } from '../server/errors.js';

/** After a failed preparation, polls see the failure for this long before it is tried again. */
const RETRY_AFTER_MS = 60_000;
const PREPARE_TIMEOUT_MS = 6 * 60 * 60_000; // a 70B download takes hours

export type PrepareState = { status: 'ready'; dir: string } | { status: 'preparing' } | { status: 'failed'; message: string } | { status: 'unknown' };
export interface Progress {
  bytes_done: number;
  bytes_total: number | null;
}
/** What the Models API shows of a preparation this server ran or runs. */
export interface Activity {
  kind: 'builtin' | 'hub';
  status: 'preparing' | 'downloading' | 'failed' | 'ready';
  progress: Progress | null;
  error: string | null;
  code: string | null;
  /** The directory it produced (when ready). */
  path: string | null;
}

interface Running {
  promise: Promise<string>;
  kind: 'builtin' | 'hub';
  progress: Progress;
}

/** The last `(done/total bytes)` the trainer wrote (see trainer/hone_trainer/progress.py). */
export function parseProgress(text: string, total: number | null): Progress | null {
  const all = [...text.matchAll(/\((\d+)\/(\d+|\?) bytes\)/g)];
  const m = all.at(-1);
  if (!m) return null;
  return { bytes_done: Number(m[1]), bytes_total: m[2] === '?' ? total : Number(m[2]) };
}

export class ModelPreparer {
  private readonly running = new Map<string, Running>();
  private readonly failures = new Map<string, { message: string; code: string; at: number; kind: 'builtin' | 'hub' }>();
  private readonly finished = new Map<string, { path: string; kind: 'builtin' | 'hub' }>();

  constructor(
    private readonly python: string,
    readonly modelsDir: string,
    private readonly catalog: ModelCatalog,
    /** The trainer's environment (HF token, HF_ENDPOINT etc.), read at each start. */
    readonly env: () => NodeJS.ProcessEnv = () => process.env,
  ) {}

  /** The model's dir when it has a tokenizer, else null. */
  installed(name: string): string | null {
    try {
      return resolveModelDir(this.modelsDir, name);
    } catch {
      return null;
    }
  }

  /** True for a built-in of the trainer's catalog (something `models prepare` can build). */
  async isBuiltin(name: string): Promise<boolean> {
    return (await this.catalog.entries()).some((e) => e.id === name && e.kind === 'builtin');
  }

  /**
   * Where the model stands; starts preparing a built-in that is not ready. A failed preparation is
   * reported (not restarted on every poll) until RETRY_AFTER_MS has passed.
   */
  async state(name: string): Promise<PrepareState> {
    if (this.running.has(name)) return { status: 'preparing' };
    const dir = this.installed(name);
    if (dir) return { status: 'ready', dir };
    if (!(await this.isBuiltin(name))) return { status: 'unknown' };
    const failed = this.failures.get(name);
    if (failed && Date.now() - failed.at < RETRY_AFTER_MS) return { status: 'failed', message: failed.message };
    void this.prepare(name).catch(() => undefined);
    return { status: 'preparing' };
  }

  /**
   * The model's dir, preparing a built-in first (and waiting for it). Other names go through
   * `resolveModelDir`, so unknown models still get its ModelNotFoundError.
   */
  async ensure(name: string): Promise<string> {
    if (this.running.has(name)) return this.prepare(name);
    const dir = this.installed(name);
    if (dir) return dir;
    if (await this.isBuiltin(name)) return this.prepare(name);
    return resolveModelDir(this.modelsDir, name); // throws ModelNotFoundError with the list
  }

  /** What this server did or does for `name` (null: nothing since it started). */
  activity(name: string): Activity | null {
    const r = this.running.get(name);
    if (r) return { kind: r.kind, status: r.kind === 'hub' ? 'downloading' : 'preparing', progress: { ...r.progress }, error: null, code: null, path: null };
    const f = this.failures.get(name);
    if (f) return { kind: f.kind, status: 'failed', progress: null, error: f.message, code: f.code, path: null };
    const d = this.finished.get(name);
    if (d) return { kind: d.kind, status: 'ready', progress: null, error: null, code: null, path: d.path };
    return null;
  }

  /** Hub models this server downloads, downloaded or failed to download (ids as asked for). */
  hubActivity(): string[] {
    const ids = new Set<string>();
    for (const [id, r] of this.running) if (r.kind === 'hub') ids.add(id);
    for (const [id, f] of this.failures) if (f.kind === 'hub') ids.add(id);
    for (const [id, d] of this.finished) if (d.kind === 'hub') ids.add(id);
    return [...ids];
  }

  /** Keeps a failure found before the trainer ran (e.g. the hub check), so the model shows it. */
  fail(name: string, kind: 'builtin' | 'hub', message: string, code: string): void {
    this.failures.set(name, { message, code, at: Date.now(), kind });
  }

  /**
   * One `models prepare` per model at a time; later callers join it. `kind` names what it does
   * (build a built-in, or download from the hub) and `total` the expected bytes, for progress.
   */
  prepare(name: string, kind: 'builtin' | 'hub' = 'builtin', total: number | null = null): Promise<string> {
    const current = this.running.get(name);
    if (current) return current.promise;
    const run: Running = { kind, progress: { bytes_done: 0, bytes_total: total }, promise: null as unknown as Promise<string> };
    run.promise = this.spawnPrepare(name, run)
      .then(
        (path) => {
          this.failures.delete(name);
          this.finished.set(name, { path, kind });
          return path;
        },
        (e: Error) => {
          const what = kind === 'hub' ? 'Downloading' : 'Preparing';
          const message = `${what} the model '${name}' failed: ${e.message}`;
          this.failures.set(name, { message, code: 'model_prepare_failed', at: Date.now(), kind });
          throw new ApiError(503, message, 'model', 'model_prepare_failed');
        },
      )
      .finally(() => this.running.delete(name));
    this.failures.delete(name);
    this.finished.delete(name);
    this.running.set(name, run);
    return run.promise;
  }

  private spawnPrepare(name: string, run: Running): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.python, ['-m', 'hone_trainer', 'models', 'prepare', name, '--models-dir', this.modelsDir], {
        env: { ...this.env(), PYTHONUNBUFFERED: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = ''; // the tail only: progress lines are rewritten every second for hours
      child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString()).slice(-65536)));
      child.stderr.on('data', (c: Buffer) => {
        stderr = (stderr + c.toString()).slice(-8192);
        const p = parseProgress(stderr, run.progress.bytes_total);
        if (p) run.progress = p;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), PREPARE_TIMEOUT_MS);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot start the trainer's Python (${this.python}): ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const last = stdout.trim().split('\n').at(-1) ?? '';
        let out: { path?: string; error?: { message?: string } } = {};
        try {
          out = JSON.parse(last) as typeof out;
        } catch {
          /* not JSON: a crash; stderr says why */
        }
        if (code === 0 && out.path) return resolve(out.path);
        const why =
          out.error?.message ??
          stderr
            .split(/[\r\n]+/)
            .map((l) => l.trim())
            .filter((l) => l && !/bytes\)$/.test(l))
            .at(-1) ??
          (signal ? `killed by ${signal}` : `exit code ${code}`);
        reject(new Error(why));
      });
    });
  }
}
