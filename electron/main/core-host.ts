/**
 * Runs the core (`out/main/core.js`, from electron/core/utility.ts) in an Electron utilityProcess,
 * never in main or a window: a busy core cannot freeze the UI. Paths go on argv. It waits for the
 * core's `ready` (URL + key), forwards its queue summaries and job ends, and restarts it after an
 * unexpected exit with a backoff — giving up after `maxCrashes` within `crashWindowMs`. The fork is
 * injected (Electron's utilityProcess.fork in index.ts, a fake child in tests).
 */
import { CoreMessage, type JobEnded, type MainMessage, type QueueSummary, type ShutdownMode } from '../shared/schemas/desktop.js';

export interface CoreChild {
  on(event: 'message', fn: (msg: unknown) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
  postMessage(msg: MainMessage): void;
  kill(): boolean;
  stdout?: NodeJS.ReadableStream | null;
  stderr?: NodeJS.ReadableStream | null;
}

export interface CoreReady {
  url: string;
  key: string | null;
  dataDir: string;
}

export interface CoreHostEvents {
  /** Every ready, the first and each after a restart (`restarted` true). */
  ready?(r: CoreReady, restarted: boolean): void;
  queue?(s: QueueSummary): void;
  jobEnded?(j: JobEnded): void;
  /** The core exited unexpectedly; a restart is scheduled in `delayMs`. */
  crashed?(info: { code: number; crashes: number; delayMs: number; lastError: string | null }): void;
  gaveUp?(info: { crashes: number; lastError: string | null }): void;
  /** Output of the core (stdout/stderr) and the host's own notes, for the log file. */
  log?(text: string): void;
}

export interface CoreHostOptions {
  fork(modulePath: string, args: string[]): CoreChild;
  modulePath: string;
  /** The core's argv; `port` is the one the core listened on before a restart (keeps its URL). */
  args(port: number | null): string[];
  events?: CoreHostEvents;
  maxCrashes?: number;
  crashWindowMs?: number;
  backoffMs?(attempt: number): number;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  now?(): number;
}

export type CoreHostState = 'idle' | 'starting' | 'ready' | 'waiting-restart' | 'stopping' | 'stopped' | 'gave-up';

export class CoreHost {
  private child: CoreChild | null = null;
  private crashes: number[] = [];
  private lastError: string | null = null;
  private port: number | null = null;
  private readyTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private firstReady: { resolve(r: CoreReady): void; reject(e: Error): void } | null = null;
  private stopped: (() => void) | null = null;
  private hadReady = false;
  state: CoreHostState = 'idle';
  current: CoreReady | null = null;
  summary: QueueSummary | null = null;

  constructor(private readonly o: CoreHostOptions) {}

  /** Starts the core; resolves at its first ready, rejects if it gives up before one. */
  start(): Promise<CoreReady> {
    if (this.state !== 'idle') throw new Error(`core host already ${this.state}`);
    const p = new Promise<CoreReady>((resolve, reject) => (this.firstReady = { resolve, reject }));
    this.spawn();
    return p;
  }

  private spawn(): void {
    this.state = 'starting';
    this.lastError = null;
    const child = this.o.fork(this.o.modulePath, this.o.args(this.port));
    this.child = child;
    const log = (s: NodeJS.ReadableStream | null | undefined) => s?.on('data', (d: Buffer | string) => this.o.events?.log?.(d.toString()));
    log(child.stdout);
    log(child.stderr);
    child.on('message', (raw) => this.onMessage(child, raw));
    child.on('exit', (code) => this.onExit(child, code));
    this.readyTimer = setTimeout(() => {
      this.lastError = `the core did not report ready within ${Math.round((this.o.readyTimeoutMs ?? 60_000) / 1000)} s`;
      child.kill();
    }, this.o.readyTimeoutMs ?? 60_000);
  }

  private onMessage(child: CoreChild, raw: unknown): void {
    if (child !== this.child) return;
    const parsed = CoreMessage.safeParse(raw);
    if (!parsed.success) {
      this.o.events?.log?.(`[core-host] ignored a malformed message from the core\n`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ready') {
      if (this.readyTimer) clearTimeout(this.readyTimer);
      this.current = { url: msg.url, key: msg.key, dataDir: msg.dataDir };
      this.port = Number(new URL(msg.url).port) || null;
      if (this.state === 'starting') this.state = 'ready';
      const restarted = this.hadReady;
      this.hadReady = true;
      this.o.events?.ready?.(this.current, restarted);
      this.firstReady?.resolve(this.current);
      this.firstReady = null;
    } else if (msg.type === 'queue') {
      this.summary = msg.summary;
      this.o.events?.queue?.(msg.summary);
    } else if (msg.type === 'job-ended') {
      this.o.events?.jobEnded?.(msg.job);
    } else if (msg.type === 'error') {
      this.lastError = msg.message;
      this.o.events?.log?.(`[core] ${msg.message}\n`);
    }
  }

  private onExit(child: CoreChild, code: number): void {
    if (child !== this.child) return;
    this.child = null;
    this.current = null;
    if (this.readyTimer) clearTimeout(this.readyTimer);
    if (this.state === 'stopping') {
      this.state = 'stopped';
      this.stopped?.();
      return;
    }
    const now = this.o.now?.() ?? Date.now();
    const windowMs = this.o.crashWindowMs ?? 60_000;
    this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now];
    this.o.events?.log?.(`[core-host] the core exited with code ${code}${this.lastError ? `: ${this.lastError}` : ''}\n`);
    if (this.crashes.length >= (this.o.maxCrashes ?? 3)) {
      this.state = 'gave-up';
      this.o.events?.gaveUp?.({ crashes: this.crashes.length, lastError: this.lastError });
      this.firstReady?.reject(new Error(this.lastError ?? `the core exited with code ${code}`));
      this.firstReady = null;
      return;
    }
    const delayMs = this.o.backoffMs?.(this.crashes.length) ?? Math.min(500 * 2 ** (this.crashes.length - 1), 8_000);
    this.state = 'waiting-restart';
    this.o.events?.crashed?.({ code, crashes: this.crashes.length, delayMs, lastError: this.lastError });
    this.restartTimer = setTimeout(() => this.spawn(), delayMs);
  }

  /** Asks the core to shut down (pause: checkpoint trainers; detach: leave them) and waits for it to exit. */
  stop(mode: ShutdownMode): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) {
      this.state = 'stopped';
      return Promise.resolve();
    }
    this.state = 'stopping';
    return new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill(), this.o.stopTimeoutMs ?? 60_000);
      this.stopped = () => {
        clearTimeout(kill);
        resolve();
      };
      child.postMessage({ type: 'shutdown', mode });
    });
  }
}
