import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { SystemStatus } from '../../shared/schemas/system.js';
import type { CoreContext } from '../server/types.js';
import { gpuInventory } from './gpu-status.js';
import { MlflowHealthCheck } from './mlflow-health.js';
import { PythonHealthCache } from './python-health.js';

export interface SystemMonitorOptions {
  /** How often GPU figures are re-read while someone watches (nvidia-smi costs ~50 ms of CPU). */
  gpuRefreshMs: number;
  /** One status is built per this window and shared by every caller (several live streams, the GET). */
  shareMs: number;
}

/**
 * Builds the system status (`SystemStatus`) from the job service, the disk, MLflow and Python,
 * each cheaply: nothing here blocks scheduling, and the GPUs are re-probed only while a live
 * stream watches.
 */
export class SystemMonitor {
  private readonly python: PythonHealthCache;
  private readonly mlflow: MlflowHealthCheck;
  private watchers = 0;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private shared: { at: number; value: Promise<SystemStatus> } | null = null;

  constructor(
    private readonly ctx: CoreContext,
    private readonly o: SystemMonitorOptions = { gpuRefreshMs: 5_000, shareMs: 1_000 },
  ) {
    this.python = new PythonHealthCache(ctx.python, undefined, process.env.HONE_PYTHON === ctx.python);
    this.mlflow = new MlflowHealthCheck(ctx.mlflow, join(ctx.dirs.root, 'mlflow', 'server.log'));
  }

  status(): Promise<SystemStatus> {
    const s = this.shared;
    if (s && Date.now() - s.at < this.o.shareMs) return s.value;
    const value = this.build();
    this.shared = { at: Date.now(), value };
    value.catch(() => (this.shared = null));
    return value;
  }

  /** A watcher (a live-stream subscriber) keeps the GPU figures fresh until it calls the returned function. */
  watch(): () => void {
    this.watchers++;
    if (this.watchers === 1) {
      this.refreshGpus();
      this.timer = setInterval(() => this.refreshGpus(), this.o.gpuRefreshMs);
      this.timer.unref();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.watchers === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  get watching(): number {
    return this.watchers;
  }

  private refreshGpus(): void {
    // One probe at a time: a slow nvidia-smi never piles up.
    this.refreshing ??= this.ctx.jobs
      .refreshGpus()
      .catch(() => undefined)
      .finally(() => (this.refreshing = null));
  }

  private async build(): Promise<SystemStatus> {
    const ctx = this.ctx;
    const [disk, mlflow, python] = await Promise.all([this.disk(), this.mlflow.get(), this.python.get()]);
    const counts = ctx.db.prepare(`SELECT status, COUNT(*) AS n FROM jobs WHERE status IN ('running', 'queued') GROUP BY status`).all() as Array<{ status: string; n: number }>;
    const n = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;
    return { object: 'hone.system', gpus: gpuInventory(ctx), disk, mlflow, python, jobs: { running: n('running'), queued: n('queued') } };
  }

  private async disk(): Promise<SystemStatus['disk']> {
    const path = this.ctx.dirs.root;
    try {
      const st = await statfs(path);
      return { path, free_bytes: st.bavail * st.bsize, total_bytes: st.blocks * st.bsize };
    } catch {
      return { path, free_bytes: null, total_bytes: null };
    }
  }
}

const monitors = new WeakMap<CoreContext, SystemMonitor>();

/** The one monitor of a core (shared by the routes). */
export function systemMonitor(ctx: CoreContext): SystemMonitor {
  let m = monitors.get(ctx);
  if (!m) monitors.set(ctx, (m = new SystemMonitor(ctx)));
  return m;
}
