import { EventEmitter } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { isSameProcess, sessionMembers, signalSession } from './process-tree.js';
import type { TrainerExit } from './trainer-process.js';

/** How often a re-attached trainer is checked for exit and console growth. */
const POLL_MS = 500;

/**
 * A trainer this core did not start: it outlived the core that did (a crash, or the desktop app
 * restarting its core) and is re-attached by pid. It is not our child, so its exit is noticed by
 * polling /proc, and its exit code comes from `trainer-exit.json`, which the trainer writes as it
 * ends (no file: it was killed). It writes its console file itself now (see hone_trainer/hangup.py);
 * 'output' fires when that file grows, as TrainerProcess's does.
 */
export class AttachedTrainer extends EventEmitter {
  readonly exited: Promise<TrainerExit>;

  constructor(
    readonly pid: number,
    readonly startTime: string | null,
    consoleFile: string,
    exitFile: string,
  ) {
    super();
    let size = sizeOf(consoleFile);
    this.exited = new Promise((resolve) => {
      const timer = setInterval(() => {
        const now = sizeOf(consoleFile);
        if (now !== size) {
          size = now;
          this.emit('output');
        }
        if (isSameProcess(pid, startTime)) return;
        clearInterval(timer);
        this.emit('output');
        resolve(readExit(exitFile, pid));
      }, POLL_MS);
    });
  }

  signal(sig: NodeJS.Signals): void {
    signalSession(this.pid, sig);
  }

  members(): number[] {
    return sessionMembers(this.pid);
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readExit(file: string, pid: number): TrainerExit {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as { code?: unknown; pid?: unknown };
    if (e.pid === pid && typeof e.code === 'number') return { exitCode: e.code, signal: null };
  } catch {
    /* no record: killed before it could write one */
  }
  return { exitCode: null, signal: 9 };
}
