/**
 * Inference workers behind /v1/chat/completions: one long-lived engine per base model (fine-tuned
 * models as named adapters on it), one generation at a time per engine (the rest queue), unloaded
 * after an idle timeout or when a queued training job needs its slot, restarted on the next
 * request after a crash.
 */
import { EngineGoneError, type Engine, type GenHandlers, type GenParams, type GenResult } from './engine.js';
import { TransformersWorker } from './transformers-worker.js';
import { vllmPython, VllmEngine } from './vllm-engine.js';
import type { ServeTarget } from './resolve-model.js';
import type { ServingStatus, ServingWorker } from '../../shared/schemas/chat.js';

import type { ServingSlot } from '../scheduler/plan.js';

export interface ServingManagerOptions {
  python: string;
  modelsDir: string;
  childEnv: () => NodeJS.ProcessEnv;
  dataDir?: string;
  /** GPUs on this machine and those training jobs hold (default: none = CPU mode). */
  inventory?: () => { gpus: number[]; busy: number[] };
  /** Called when a slot frees up (a preempted worker unloaded): the scheduler looks again. */
  onSlotFreed?: () => void;
  idleSeconds?: number;
}

interface Worker {
  base: string;
  gpu: number | null;
  engine: Engine | null;
  starting: Promise<Engine>;
  adapters: Set<string>;
  /** The tail of this worker's request chain: one request at a time. */
  chain: Promise<unknown>;
  active: number;
  busy: boolean;
  lastUsed: number;
  idleTimer: NodeJS.Timeout | null;
  preemptedBy: string | null;
  unloading: boolean;
  tokens: number;
  requests: number;
}

/** vLLM accepts only these `--max-lora-rank` values; 64 leaves room for the adapters loaded later. */
export function loraRankCeiling(rank: number): number {
  return [64, 128, 256, 320, 512].find((r) => r >= rank) ?? 512;
}

export class ServingManager {
  private readonly workers = new Map<string, Worker>();
  private closed = false;
  readonly idleSeconds: number;

  constructor(readonly o: ServingManagerOptions) {
    this.idleSeconds = o.idleSeconds ?? (Number(process.env.HONE_SERVE_IDLE_SECONDS) || 600);
  }

  /** vLLM when its venv exists on an NVIDIA machine, else the transformers worker. */
  engineChoice(gpu: number | null): { engine: 'transformers' | 'vllm'; python: string | null; reason: string | null } {
    const py = this.o.dataDir ? vllmPython(this.o.dataDir, this.o.childEnv()) : null;
    if (!py) return { engine: 'transformers', python: null, reason: 'no vLLM venv (<dataDir>/python-vllm or HONE_VLLM_PYTHON)' };
    if (gpu === null) return { engine: 'transformers', python: py, reason: 'vLLM needs an NVIDIA GPU; this worker runs on the CPU' };
    return { engine: 'vllm', python: py, reason: null };
  }

  private pickSlot(): number | null {
    const inv = this.o.inventory?.() ?? { gpus: [], busy: [] };
    if (inv.gpus.length === 0) return null;
    const mine = new Set([...this.workers.values()].map((w) => w.gpu));
    return inv.gpus.find((g) => !inv.busy.includes(g) && !mine.has(g)) ?? inv.gpus.find((g) => !inv.busy.includes(g)) ?? inv.gpus[0]!;
  }

  private async startEngine(t: ServeTarget, gpu: number | null): Promise<Engine> {
    const device = gpu === null ? 'cpu' : `cuda:${gpu}`;
    const choice = this.engineChoice(gpu);
    if (choice.engine === 'vllm') {
      return VllmEngine.start({ python: choice.python!, model: t.basePath, gpu: gpu!, maxLoraRank: loraRankCeiling(t.adapter?.rank ?? 0), env: this.o.childEnv() });
    }
    return TransformersWorker.start({ python: this.o.python, model: t.basePath, modelsDir: this.o.modelsDir, device, env: this.o.childEnv() });
  }

  private worker(t: ServeTarget): Worker {
    const have = this.workers.get(t.base);
    if (have && !have.unloading) return have;
    const gpu = this.pickSlot();
    const w: Worker = { base: t.base, gpu, engine: null, starting: null as unknown as Promise<Engine>, adapters: new Set(), chain: Promise.resolve(), active: 0, busy: false, lastUsed: Date.now(), idleTimer: null, preemptedBy: null, unloading: false, tokens: 0, requests: 0 };
    w.starting = this.startEngine(t, gpu).then(
      (e) => {
        w.engine = e;
        // A crash: forget the worker, so the next request starts a fresh one.
        void e.exited.then(() => this.forget(w));
        return e;
      },
      (err: unknown) => {
        this.forget(w);
        throw err;
      },
    );
    w.starting.catch(() => undefined);
    this.workers.set(t.base, w);
    return w;
  }

  private forget(w: Worker): void {
    if (w.idleTimer) clearTimeout(w.idleTimer);
    if (this.workers.get(w.base) === w) this.workers.delete(w.base);
    if (!this.closed) this.o.onSlotFreed?.();
  }

  /** Runs `fn` on the target's worker after the requests ahead of it; aborting while queued skips it. */
  private async withWorker<T>(t: ServeTarget[], signal: AbortSignal, fn: (e: Engine, count: (h: GenHandlers) => GenHandlers) => Promise<T>): Promise<T> {
    if (this.closed) throw new EngineGoneError('Hone is shutting down');
    const w = this.worker(t[0]!);
    w.active++;
    if (w.idleTimer) clearTimeout(w.idleTimer);
    const turn = w.chain.then(async () => {
      if (signal.aborted) throw new EngineGoneError('the client went away');
      const e = await w.starting;
      w.busy = true;
      w.requests++;
      try {
        for (const x of t) {
          if (x.adapter && !w.adapters.has(x.adapter.name)) {
            await e.loadAdapter(x.adapter.name, x.adapter.path);
            w.adapters.add(x.adapter.name);
          }
        }
        return await fn(e, (h) => ({ onStart: h.onStart, onDelta: (i, text) => (w.tokens++, h.onDelta(i, text)) }));
      } finally {
        w.busy = false;
      }
    });
    w.chain = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      w.active--;
      w.lastUsed = Date.now();
      this.afterRequest(w);
    }
  }

  private afterRequest(w: Worker): void {
    if (w.active > 0 || this.workers.get(w.base) !== w) return;
    if (w.preemptedBy) return void this.unload(w);
    w.idleTimer = setTimeout(() => void this.unload(w), this.idleSeconds * 1000);
    w.idleTimer.unref();
  }

  private async unload(w: Worker): Promise<void> {
    if (w.unloading) return;
    w.unloading = true;
    const e = await w.starting.catch(() => null);
    await e?.stop();
    this.forget(w);
  }

  generate(t: ServeTarget, p: GenParams, h: GenHandlers, signal: AbortSignal): Promise<GenResult> {
    return this.withWorker([t], signal, (e, count) => e.generate(t.adapter?.name ?? null, p, count(h), signal));
  }

  /**
   * The same messages on several models. Models on one base run as one batched compare; models on
   * different bases run one after another on their workers. `index` = position in `targets`.
   */
  async compare(targets: ServeTarget[], p: GenParams, h: GenHandlers, signal: AbortSignal): Promise<GenResult> {
    const groups = new Map<string, number[]>();
    targets.forEach((t, i) => groups.set(t.base, [...(groups.get(t.base) ?? []), i]));
    const out: GenResult = { prompt_tokens: 0, completion_tokens: 0, choices: [] };
    let first = true;
    for (const idx of groups.values()) {
      const ts = idx.map((i) => targets[i]!);
      const r = await this.withWorker(ts, signal, (e, count) =>
        e.compare(
          ts.map((t) => t.adapter?.name ?? null),
          { ...p, n: 1 },
          count({ onStart: (n) => first && h.onStart?.(n), onDelta: (i, text) => h.onDelta(idx[i]!, text) }),
          signal,
        ),
      );
      first = false;
      out.prompt_tokens = r.prompt_tokens;
      out.completion_tokens += r.completion_tokens;
      out.choices.push(...r.choices.map((c) => ({ ...c, index: idx[c.index]! })));
    }
    out.choices.sort((a, b) => a.index - b.index);
    return out;
  }

  tokenize(t: ServeTarget, messages: unknown[], tools?: unknown[] | null): Promise<number> {
    return this.withWorker([t], new AbortController().signal, (e) => e.tokenize(messages, tools));
  }

  /** The slots loaded workers hold, for the scheduler. */
  slots(): ServingSlot[] {
    return [...this.workers.values()].filter((w) => !w.unloading).map((w) => ({ gpu: w.gpu, holder: w.base }));
  }

  /** A queued training job needs `slot`: the worker on it unloads after its current generation. */
  preempt(slot: { gpu: number | null }, forJob: string): void {
    for (const w of this.workers.values()) {
      if (w.gpu !== slot.gpu || w.preemptedBy) continue;
      w.preemptedBy = forJob;
      if (w.active === 0) void this.unload(w);
    }
  }

  status(): ServingStatus {
    const data: ServingWorker[] = [...this.workers.values()].map((w) => ({
      engine: w.engine?.kind ?? this.engineChoice(w.gpu).engine,
      base_model: w.base,
      device: w.engine?.device ?? (w.gpu === null ? 'cpu' : `cuda:${w.gpu}`),
      gpu: w.gpu,
      adapters: [...w.adapters],
      state: w.unloading ? 'unloading' : !w.engine ? 'starting' : w.busy ? 'generating' : 'idle',
      idle_s: w.active > 0 ? null : Math.round((Date.now() - w.lastUsed) / 100) / 10,
      preempted_by: w.preemptedBy,
      pid: w.engine?.pid ?? null,
      tokens_generated: w.tokens,
      requests: w.requests,
    }));
    const py = this.o.dataDir ? vllmPython(this.o.dataDir, this.o.childEnv()) : null;
    return { object: 'hone.serving', idle_unload_s: this.idleSeconds, vllm: { available: py !== null, python: py, reason: py ? null : 'not installed (POST /v1/hone/environment/vllm)' }, data };
  }

  /** The engine of a loaded base (tests: its pid; a crash by kill). */
  engineOf(base: string): Engine | null {
    return this.workers.get(base)?.engine ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.values()].map((w) => this.unload(w)));
  }
}
