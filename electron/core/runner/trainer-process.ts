import { createWriteStream, type WriteStream } from 'node:fs';
import { EventEmitter } from 'node:events';
import * as pty from '@lydell/node-pty';
import { processStartTime, sessionMembers, signalSession } from './process-tree.js';

export interface TrainerExit {
  exitCode: number | null;
  signal: number | null;
}

export interface SpawnOptions {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Everything the process prints (progress bars included) is appended here. */
  consoleFile: string;
}

/**
 * One trainer process under a pseudo-terminal, so it prints progress as a user would see it in a
 * terminal. Output goes to the console file (never to a reader directly: a slow viewer must never
 * slow training down); 'output' events only tell live viewers that the file grew.
 */
export class TrainerProcess extends EventEmitter {
  readonly pid: number;
  readonly startTime: string | null;
  readonly exited: Promise<TrainerExit>;
  private readonly out: WriteStream;
  private readonly proc: pty.IPty;

  constructor(opts: SpawnOptions) {
    super();
    this.out = createWriteStream(opts.consoleFile, { flags: 'a' });
    this.proc = pty.spawn(opts.command, opts.args, {
      name: 'xterm-256color',
      cols: 160,
      rows: 40,
      cwd: opts.cwd,
      env: opts.env as Record<string, string>,
    });
    this.pid = this.proc.pid;
    this.startTime = processStartTime(this.pid);
    this.proc.onData((d) => {
      this.out.write(d);
      this.emit('output');
    });
    this.exited = new Promise((resolve) => {
      this.proc.onExit(({ exitCode, signal }) => {
        this.out.end(() => {
          this.emit('output');
          resolve({ exitCode: signal ? null : exitCode, signal: signal || null });
        });
      });
    });
  }

  /** Signals every process of the job (its whole session). */
  signal(sig: NodeJS.Signals): void {
    signalSession(this.pid, sig);
  }

  /** Processes of this job still alive (the leader and anything it started). */
  members(): number[] {
    return sessionMembers(this.pid);
  }
}
