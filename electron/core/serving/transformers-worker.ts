/**
 * Client of `python -m hone_trainer serve` (protocol: docs/serving.md): JSON lines on stdin/stdout,
 * replies and events matched by request id. The worker runs in its own session (detached), so the
 * whole tree is stopped with the process-tree helpers.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { signalSession } from '../runner/process-tree.js';
import { EngineGoneError, EngineRequestError, type Engine, type GenHandlers, type GenParams, type GenResult } from './engine.js';

export interface WorkerSpawn {
  python: string;
  model: string;
  modelsDir: string;
  device: string;
  env: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

type WorkerEvent = { id?: string; event: string; [k: string]: unknown };

export class TransformersWorker implements Engine {
  readonly kind = 'transformers' as const;
  readonly exited: Promise<void>;
  /** Who started it and with what the worker says it loaded (`ready`). */
  ready: WorkerEvent | null = null;
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<string, (e: WorkerEvent) => void>();
  private seq = 0;
  private stderrTail = '';
  private gone = false;

  private constructor(
    readonly device: string,
    o: WorkerSpawn,
  ) {
    this.proc = spawn(o.python, ['-m', 'hone_trainer', 'serve', '--model', o.model, '--models-dir', o.modelsDir, '--device', o.device], {
      env: o.env,
      detached: true, // its own session: stopTree reaches every child it spawned
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderrTail = (this.stderrTail + d).slice(-4000)));
    this.proc.stdin.on('error', () => undefined); // a dead worker's pipe: the exit handler reports it
    this.exited = new Promise((res) => this.proc.once('close', () => res()));
    void this.exited.then(() => {
      this.gone = true;
      const why = { event: 'gone' } as WorkerEvent;
      for (const fn of this.pending.values()) fn(why);
      this.pending.clear();
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => this.onLine(line));
  }

  get pid(): number | null {
    return this.proc.pid ?? null;
  }

  /** Why the worker died, for error messages: the end of its stderr. */
  get lastWords(): string {
    return this.stderrTail.trim().split('\n').slice(-6).join('\n');
  }

  /** Spawns a worker and waits for its `ready` line (or its fatal message). */
  static async start(o: WorkerSpawn): Promise<TransformersWorker> {
    const w = new TransformersWorker(o.device, o);
    const ready = await new Promise<WorkerEvent>((res) => {
      const timer = setTimeout(() => res({ event: 'fatal', message: `the worker did not report ready within ${(o.readyTimeoutMs ?? 300_000) / 1000} s` }), o.readyTimeoutMs ?? 300_000);
      w.pending.set('', (e) => (clearTimeout(timer), res(e)));
    });
    w.pending.delete('');
    if (ready.event !== 'ready') {
      await w.stop();
      const msg = ready.event === 'gone' ? `the worker exited before it was ready: ${w.lastWords || 'no output'}` : String(ready.message);
      throw new EngineRequestError(`Could not load ${o.model}: ${msg}`, 'model_load_failed');
    }
    w.ready = ready;
    return w;
  }

  private onLine(line: string): void {
    let e: WorkerEvent;
    try {
      e = JSON.parse(line) as WorkerEvent;
    } catch {
      return; // stray print from a library: stdout is the protocol, ignore the rest
    }
    const fn = this.pending.get(e.id ?? '');
    if (fn) fn(e);
  }

  private send(msg: Record<string, unknown>): void {
    if (!this.gone) this.proc.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  /** One request; `onEvent` sees every event until the final one (ok / done / error). */
  private call(msg: Record<string, unknown>, onEvent?: (e: WorkerEvent) => void, signal?: AbortSignal): Promise<WorkerEvent> {
    if (this.gone) return Promise.reject(new EngineGoneError(`the inference worker exited: ${this.lastWords}`));
    const id = `r${++this.seq}`;
    return new Promise((res, rej) => {
      const onAbort = () => this.send({ id: `${id}-cancel`, op: 'cancel', target: id });
      const finish = () => (this.pending.delete(id), signal?.removeEventListener('abort', onAbort));
      this.pending.set(id, (e) => {
        if (e.event === 'gone') return finish(), rej(new EngineGoneError(`the inference worker exited during the request: ${this.lastWords || 'no output'}`));
        if (e.event === 'error') return finish(), rej(new EngineRequestError(String(e.message ?? 'worker error'), (e.code as string | undefined) ?? null));
        if (e.event === 'ok' || e.event === 'done') return finish(), res(e);
        onEvent?.(e);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.send({ id, ...msg });
      if (signal?.aborted) onAbort();
    });
  }

  async loadAdapter(name: string, path: string): Promise<void> {
    await this.call({ op: 'load_adapter', name, path });
  }

  private async run(msg: Record<string, unknown>, h: GenHandlers, signal: AbortSignal): Promise<GenResult> {
    const done = await this.call(
      msg,
      (e) => {
        if (e.event === 'start') h.onStart?.(Number(e.prompt_tokens));
        else if (e.event === 'delta') h.onDelta(Number(e.index ?? 0), String(e.text ?? ''));
      },
      signal,
    );
    return { prompt_tokens: Number(done.prompt_tokens), completion_tokens: Number(done.completion_tokens), choices: done.choices as GenResult['choices'] };
  }

  generate(adapter: string | null, p: GenParams, h: GenHandlers, signal: AbortSignal): Promise<GenResult> {
    return this.run({ op: 'generate', adapter, ...p }, h, signal);
  }

  compare(adapters: Array<string | null>, p: GenParams, h: GenHandlers, signal: AbortSignal): Promise<GenResult> {
    return this.run({ op: 'compare', adapters, ...p }, h, signal);
  }

  async tokenize(messages: unknown[], tools?: unknown[] | null): Promise<number> {
    const r = await this.call({ op: 'tokenize', messages, ...(tools ? { tools } : {}) });
    return Number(r.prompt_tokens);
  }

  /** `shutdown`, then the whole session is killed if it has not exited within a few seconds. */
  async stop(): Promise<void> {
    if (!this.gone) {
      this.send({ id: 'shutdown', op: 'shutdown' });
      const t = setTimeout(() => this.proc.pid && signalSession(this.proc.pid, 'SIGKILL'), 5000);
      await this.exited;
      clearTimeout(t);
    }
    // Children it left behind (none expected) go with the session.
    if (this.proc.pid) signalSession(this.proc.pid, 'SIGKILL');
  }

  /** Kills the worker at once (tests: a crashed worker). */
  kill(): void {
    if (this.proc.pid) signalSession(this.proc.pid, 'SIGKILL');
  }
}
