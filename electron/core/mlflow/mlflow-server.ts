import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface MlflowOptions {
  python: string;
  /** `<data dir>/mlflow`: sqlite backend and artifact store live here. */
  dir: string;
  /** A remote tracking server (HONE_MLFLOW_URI); then nothing is started locally. */
  remoteUri?: string | null;
  /** How long to wait for a fresh server to answer /health. */
  startTimeoutMs?: number;
}

/**
 * The path MLflow serves everything under (`--static-prefix`): the UI, its ajax-api, the REST API and
 * /health. Hone's reverse proxy exposes the same path on its own origin, so the UI's relative URLs
 * work through it unchanged; the local tracking URI ends with it.
 */
export const MLFLOW_PREFIX = '/mlflow';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The MLflow tracking server Hone uses: a local one from the project's Python environment
 * (sqlite backend and artifacts in the data dir, 127.0.0.1 on a free port), started on first
 * use, health-checked, restarted if it dies, stopped with the app — or a remote URI.
 */
export class MlflowServer {
  private proc: ChildProcess | null = null;
  private url: string | null = null;
  /** Kept across restarts: trainers were given this URI and retry against it. */
  private port: number | null = null;
  private starting: Promise<string> | null = null;
  private stopping = false;
  private restarts = 0;
  /** Restarts after unexpected exits (for status and tests). */
  get restartCount(): number {
    return this.restarts;
  }

  constructor(private readonly o: MlflowOptions) {}

  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  /** The tracking URI now without starting anything: the remote one, or the local server's once started. */
  currentUri(): string | null {
    if (this.o.remoteUri) return this.o.remoteUri.replace(/\/$/, '');
    return this.proc && this.proc.exitCode === null ? this.url : null;
  }

  /** The local server's origin (`http://127.0.0.1:<port>`) once it runs; null for a remote URI or before the first start. */
  localOrigin(): string | null {
    if (this.o.remoteUri) return null;
    const uri = this.currentUri();
    return uri ? new URL(uri).origin : null;
  }

  /** True when runs go to a remote tracking server (nothing runs locally). */
  get isRemote(): boolean {
    return !!this.o.remoteUri;
  }

  /** The tracking URI, starting (or restarting) the local server if needed. */
  async uri(): Promise<string> {
    if (this.o.remoteUri) return this.o.remoteUri.replace(/\/$/, '');
    if (this.url && this.proc && this.proc.exitCode === null && (await this.healthy(this.url))) return this.url;
    this.starting ??= this.start().finally(() => (this.starting = null));
    return this.starting;
  }

  /**
   * Stops the server and everything it spawned: `mlflow server` runs uvicorn (and, unless disabled,
   * job runners) as children, so the whole process group gets SIGTERM, then SIGKILL after 5 s.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const p = this.proc;
    if (!p?.pid) return;
    const pid = p.pid;
    if (p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => signalGroup(pid, 'SIGKILL'), 5_000);
        p.once('exit', () => (clearTimeout(t), resolve()));
        signalGroup(pid, 'SIGTERM');
      });
    }
    // The leader may exit before its children: wait for the group to empty, then force it.
    const deadline = Date.now() + 5_000;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  }

  private async start(): Promise<string> {
    mkdirSync(join(this.o.dir, 'artifacts'), { recursive: true });
    const port = (this.port ??= await freePort());
    const url = `http://127.0.0.1:${port}${MLFLOW_PREFIX}`;
    const log = createWriteStream(join(this.o.dir, 'server.log'), { flags: 'a' });
    const proc = spawn(
      this.o.python,
      [
        '-m', 'mlflow', 'server',
        '--host', '127.0.0.1',
        '--port', String(port),
        '--workers', '1',
        '--backend-store-uri', `sqlite:///${join(this.o.dir, 'mlflow.db')}`,
        '--artifacts-destination', join(this.o.dir, 'artifacts'),
        '--serve-artifacts',
        '--static-prefix', MLFLOW_PREFIX,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // No GenAI job runners (8 huey processes Hone never uses), no usage telemetry (nothing leaves
        // the machine). Its own process group, so stop() and a restart after a crash reach uvicorn too.
        env: { ...process.env, PYTHONUNBUFFERED: '1', MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false', MLFLOW_DISABLE_TELEMETRY: 'true' },
        detached: process.platform !== 'win32',
      },
    );
    proc.stdout!.pipe(log, { end: false });
    proc.stderr!.pipe(log, { end: false });
    this.proc = proc;
    proc.once('exit', () => {
      if (this.proc === proc) this.url = null;
      // Children left behind by a killed leader would keep the port (and answer /health).
      if (!this.stopping && proc.pid) signalGroup(proc.pid, 'SIGKILL');
      // Died on its own: bring it back, so a running job's logging continues.
      if (!this.stopping && this.proc === proc) {
        this.restarts++;
        setTimeout(() => void this.uri().catch(() => undefined), Math.min(30_000, 1_000 * this.restarts)).unref();
      }
    });
    const deadline = Date.now() + (this.o.startTimeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`the MLflow server exited with code ${proc.exitCode}; see ${join(this.o.dir, 'server.log')}`);
      if (await this.healthy(url)) {
        this.url = url;
        return url;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    if (proc.pid) signalGroup(proc.pid, 'SIGKILL');
    throw new Error(`the MLflow server did not answer within ${(this.o.startTimeoutMs ?? 120_000) / 1000} s; see ${join(this.o.dir, 'server.log')}`);
  }

  private async healthy(url: string): Promise<boolean> {
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      return r.ok;
    } catch {
      return false;
    }
  }
}

/** Signals a process group (POSIX), or the process itself on Windows; a gone group is no error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 0);
    return true;
  } catch {
    return false;
  }
}
