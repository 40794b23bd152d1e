/**
 * Runs `python trainer/installer … --json` and reads its JSON-lines protocol (trainer/installer/README.md)
 * robustly: chunks split mid-line, lines that are not JSON (kept as log), stderr (kept as log, its tail
 * becomes the detail when the installer dies without an `error` event), a timeout, and cancel — each of
 * the last two kills the installer's whole process tree (pip and its children included).
 */
import { spawn, execFile } from 'node:child_process';
import type { EnvError, EnvMarker } from '../../shared/schemas/environment.js';

export type InstallerEvent =
  | { event: 'step'; step: string; status: string; message: string | null }
  | { event: 'progress'; step: string; done: number; total: number; bytes_done: number; bytes_total: number | null; item: string | null }
  | { event: 'log'; line: string }
  | { event: 'error'; code: string; message: string; detail: string | null }
  /** `env` for install / repair / verify; detect and wheelhouse put their answer under their own key (in `data`). */
  | { event: 'done'; env: EnvMarker | null; data: Record<string, unknown> };

export interface InstallerResult {
  exitCode: number | null;
  /** The installer's own error, or the core's reading of how it ended (crash, timeout). */
  error: EnvError | null;
  /** The `done` event's environment (null unless it succeeded). */
  env: EnvMarker | null;
  cancelled: boolean;
}

export interface InstallerRunOptions {
  python: string;
  /** The installer's arguments after the script path (e.g. ['verify', '--venv', dir, '--json']). */
  args: string[];
  script: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  onEvent: (e: InstallerEvent) => void;
  /** Grace between SIGTERM and SIGKILL when stopping. */
  killGraceMs?: number;
}

export interface InstallerHandle {
  result: Promise<InstallerResult>;
  cancel(): void;
  pid: number | undefined;
}

const STDERR_TAIL = 30;
const EXIT_DRAIN_MS = 3_000;

/** One JSON line → an event, or null (then the line is kept as a log line). */
export function parseEvent(line: string): InstallerEvent | null {
  if (!line.startsWith('{')) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object') return null;
  const e = o as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  switch (e.event) {
    case 'step':
      return typeof e.step === 'string' && typeof e.status === 'string' ? { event: 'step', step: e.step, status: e.status, message: str(e.message) } : null;
    case 'progress':
      return typeof e.step === 'string'
        ? { event: 'progress', step: e.step, done: num(e.done), total: num(e.total), bytes_done: num(e.bytes_done), bytes_total: typeof e.bytes_total === 'number' ? e.bytes_total : null, item: str(e.item) }
        : null;
    case 'log':
      return typeof e.line === 'string' ? { event: 'log', line: e.line } : null;
    case 'error':
      return typeof e.code === 'string' ? { event: 'error', code: e.code, message: str(e.message) ?? e.code, detail: str(e.detail) } : null;
    case 'done':
      return { event: 'done', env: e.env && typeof e.env === 'object' ? (e.env as EnvMarker) : null, data: e };
    default:
      return null;
  }
}

/** Splits a byte stream into lines, keeping a partial last line until more arrives (or `flush`). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.emit(p);
  }
  flush(): void {
    if (this.rest) this.emit(this.rest);
    this.rest = '';
  }
  private emit(line: string): void {
    const l = line.replace(/\r$/, '');
    if (l.trim()) this.onLine(l);
  }
}

/** Kills a detached child's process group (pip and whatever it started), then SIGKILL after a grace. */
export function killTree(pid: number, graceMs = 3_000): void {
  if (process.platform === 'win32') {
    execFile('taskkill', ['/pid', String(pid), '/T', '/F'], () => undefined);
    return;
  }
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), graceMs).unref();
}

export function runInstaller(o: InstallerRunOptions): InstallerHandle {
  const child = spawn(o.python, [o.script, ...o.args], {
    env: { ...process.env, ...o.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  let reported: EnvError | null = null;
  let env: EnvMarker | null = null;
  let sawDone = false;
  let ended: 'cancelled' | 'timeout' | null = null;
  const stderrTail: string[] = [];
  const deliver = (e: InstallerEvent) => {
    if (e.event === 'error') reported = { code: e.code, message: e.message, detail: e.detail };
    if (e.event === 'done') {
      sawDone = true;
      env = e.env;
    }
    try {
      o.onEvent(e);
    } catch {
      /* a listener's bug must not stop the reader */
    }
  };
  const out = new LineSplitter((line) => deliver(parseEvent(line) ?? { event: 'log', line }));
  const err = new LineSplitter((line) => {
    stderrTail.push(line);
    if (stderrTail.length > STDERR_TAIL) stderrTail.shift();
    deliver({ event: 'log', line });
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => out.push(d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
  const stop = (why: 'cancelled' | 'timeout') => {
    if (ended || child.exitCode !== null || child.signalCode !== null) return;
    ended = why;
    if (child.pid) killTree(child.pid, o.killGraceMs);
  };
  const timer = setTimeout(() => stop('timeout'), o.timeoutMs);
  timer.unref();

  const result = new Promise<InstallerResult>((resolve) => {
    let spawnError: Error | null = null;
    child.once('error', (e) => (spawnError = e));
    let closed = false;
    // A grandchild that kept our stdout open would delay 'close' forever: once the installer itself
    // exited, give its pipes a moment to drain, then stop waiting for them.
    child.once('exit', (code) => {
      setTimeout(() => {
        if (closed) return;
        if (child.pid) killTree(child.pid, o.killGraceMs); // strays of a finished installer
        child.stdout.destroy();
        child.stderr.destroy();
        child.emit('close', code, null);
      }, EXIT_DRAIN_MS).unref();
    });
    child.once('close', (code: number | null) => {
      closed = true;
      clearTimeout(timer);
      out.flush();
      err.flush();
      const tail = stderrTail.length ? stderrTail.join('\n') : null;
      let error: EnvError | null = reported;
      if (ended === 'timeout') {
        error = { code: 'installer_timeout', message: `The installer did not finish within ${Math.round(o.timeoutMs / 60_000) || 1} min and was stopped.`, detail: tail };
      } else if (spawnError) {
        error = { code: 'installer_crashed', message: `The installer could not be started with ${o.python}: ${(spawnError as Error).message}`, detail: null };
      } else if (!ended && !error && code !== 0) {
        // Died without its error event (killed, a Python traceback, pip dying under it).
        const pip = tail !== null && (/\bpip\b|No matching distribution/i.test(tail) || /^ERROR: /m.test(tail));
        error = {
          code: pip ? 'pip_failed' : 'installer_crashed',
          message: pip
            ? `pip failed and the installer stopped (exit code ${code ?? 'none'}): ${lastMeaningful(tail)}`
            : `The installer stopped unexpectedly (exit code ${code ?? 'none, killed by a signal'}).${tail ? ` Last output: ${lastMeaningful(tail)}` : ''}`,
          detail: tail,
        };
      } else if (!ended && !error && !sawDone && code === 0) {
        error = { code: 'installer_crashed', message: 'The installer ended without reporting its result.', detail: tail };
      }
      resolve({ exitCode: code, error: ended === 'cancelled' ? null : error, env: error ? null : env, cancelled: ended === 'cancelled' });
    });
  });
  return { result, cancel: () => stop('cancelled'), pid: child.pid };
}

function lastMeaningful(tail: string | null): string {
  const lines = (tail ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.findLast((l) => /error/i.test(l)) ?? lines.at(-1) ?? '';
}
