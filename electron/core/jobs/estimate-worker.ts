import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface TrainerEstimate {
  object: 'fine_tuning.job.estimate';
  model: string;
  method: 'supervised' | 'dpo';
  hyperparameters: Record<string, unknown>;
  n_examples: number;
  n_validation_examples: number | null;
  total_steps: number;
  trained_tokens: number;
  truncated_examples: number;
  device: { kind: 'gpu' | 'cpu'; world_size: number };
  memory: {
    parameters: number;
    trainable_parameters: number;
    weights_mib: number;
    gradients_mib: number;
    optimizer_mib: number;
    activations_mib: number;
    overhead_mib: number;
    required_mib: number;
  };
  warnings: string[];
}

/** The trainer's answer when it cannot estimate: its SpecError code (model_not_found, invalid_training_file, …). */
export class EstimateError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (r: TrainerEstimate) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One long-lived `python -m hone_trainer estimate --serve` (JSON lines over stdin/stdout). It keeps
 * the tokenised statistics of the files and models it has seen, so repeated estimates cost
 * milliseconds; it answers one request at a time, exits when idle, and is started again with a
 * new environment when the trainer's environment changes (a new HF token in the settings).
 */
export class EstimateWorker {
  private proc: ChildProcessWithoutNullStreams | null = null;
  private envKey = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | null = null;
  private stderrTail = '';

  constructor(
    private readonly o: { python: string; env: () => NodeJS.ProcessEnv; idleMs?: number; timeoutMs?: number },
  ) {}

  run(spec: Record<string, unknown>): Promise<TrainerEstimate> {
    const proc = this.ensure();
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error('the estimate took too long')), this.o.timeoutMs ?? 15 * 60_000);
      this.pending.set(id, { resolve, reject, timer });
      proc.stdin.write(JSON.stringify({ id, spec }) + '\n');
    });
  }

  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.fail(new Error('the server is shutting down'));
  }

  private ensure(): ChildProcessWithoutNullStreams {
    const env = {
      ...this.o.env(),
      CUDA_VISIBLE_DEVICES: '', // an estimate reads shapes and tokens; it never takes GPU memory
      PYTHONUNBUFFERED: '1',
      TOKENIZERS_PARALLELISM: 'false',
    };
    const key = JSON.stringify(env);
    if (this.proc && key !== this.envKey && this.pending.size === 0) this.stop();
    if (this.proc) return this.proc;
    this.envKey = key;
    this.stderrTail = '';
    const proc = spawn(this.o.python, ['-m', 'hone_trainer', 'estimate', '--serve'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    createInterface({ input: proc.stdout }).on('line', (line) => this.onLine(line));
    proc.stderr.on('data', (c: Buffer) => (this.stderrTail = (this.stderrTail + c.toString()).slice(-4000)));
    proc.on('error', (err) => this.onExit(proc, `could not start ${this.o.python}: ${err.message}`));
    proc.on('exit', (code, signal) => this.onExit(proc, `the estimator exited with ${signal ?? `code ${code}`}`));
    proc.stdin.on('error', () => undefined); // a dead worker is reported by 'exit'
    return proc;
  }

  private onLine(line: string): void {
    let msg: { id?: number; result?: TrainerEstimate; error?: { message: string; code: string } };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return; // not ours (the worker sends library output to stderr, but be lenient)
    }
    const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    this.pending.delete(msg.id!);
    clearTimeout(p.timer);
    if (msg.result) p.resolve(msg.result);
    else p.reject(new EstimateError(msg.error?.message ?? 'the estimate failed', msg.error?.code ?? 'estimate_failed'));
    if (this.pending.size === 0) {
      this.idleTimer = setTimeout(() => this.stop(), this.o.idleMs ?? 10 * 60_000);
      this.idleTimer.unref();
    }
  }

  private onExit(proc: ChildProcessWithoutNullStreams, why: string): void {
    if (this.proc !== proc) return;
    this.proc = null;
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(tail ? `${why}: ${tail}` : why));
    }
    this.pending.clear();
  }

  private fail(err: Error): void {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.stop();
  }

  private stop(): void {
    const proc = this.proc;
    this.proc = null;
    if (proc) {
      proc.stdin.end();
      proc.kill('SIGTERM');
    }
  }
}
