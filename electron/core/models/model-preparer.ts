/**
 * Built-in models prepared on demand: `python -m hone_trainer models prepare <name>` runs once per
 * model however many callers wait for it (tokenizer route, validation with `model=`).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ModelCatalog } from './catalog.js';
import { resolveModelDir } from '../validation/model-tokenizer.js';
import { ApiError } from '../server/errors.js';

const run = promisify(execFile);
/** After a failed preparation, polls see the failure for this long before it is tried again. */
const RETRY_AFTER_MS = 60_000;

export type PrepareState = { status: 'ready'; dir: string } | { status: 'preparing' } | { status: 'failed'; message: string } | { status: 'unknown' };

export class ModelPreparer {
  private readonly running = new Map<string, Promise<string>>();
  private readonly failures = new Map<string, { message: string; at: number }>();

  constructor(
    private readonly python: string,
    private readonly modelsDir: string,
    private readonly catalog: ModelCatalog,
    /** The trainer's environment (HF token etc.), read at each start. */
    private readonly env: () => NodeJS.ProcessEnv = () => process.env,
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

  /** One `models prepare` per model at a time; later callers join it. */
  prepare(name: string): Promise<string> {
    let p = this.running.get(name);
    if (!p) {
      p = (async () => {
        try {
          await run(this.python, ['-m', 'hone_trainer', 'models', 'prepare', name, '--models-dir', this.modelsDir], {
            timeout: 30 * 60_000,
            maxBuffer: 16 << 20,
            env: { ...this.env(), PYTHONUNBUFFERED: '1' },
          });
        } catch (e) {
          const err = e as { stdout?: string; message: string };
          const fromJson = /"message":\s*"([^"]+)"/.exec(err.stdout ?? '')?.[1];
          const message = `Preparing the model '${name}' failed: ${fromJson ?? err.message.split('\n')[0]}`;
          this.failures.set(name, { message, at: Date.now() });
          throw new ApiError(503, message, 'model', 'model_prepare_failed');
        }
        this.failures.delete(name);
        return resolveModelDir(this.modelsDir, name);
      })().finally(() => this.running.delete(name));
      this.running.set(name, p);
    }
    return p;
  }
}
