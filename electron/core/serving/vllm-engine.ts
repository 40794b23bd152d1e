/**
 * vLLM as a managed subprocess (its own venv: it pins its own torch and transformers): the OpenAI
 * server with runtime LoRA loading, one per base model and GPU. Hone relays its stream; adapters
 * load with POST /v1/load_lora_adapter under their `ft:` names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { signalSession } from '../runner/process-tree.js';
import { EngineGoneError, EngineRequestError, type Engine, type GenHandlers, type GenParams, type GenResult } from './engine.js';

/** The vLLM venv's Python: HONE_VLLM_PYTHON, else `<dataDir>/python-vllm`; null when neither exists. */
export function vllmPython(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.HONE_VLLM_PYTHON, join(dataDir, 'python-vllm', 'bin', 'python')].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? null;
}

export interface VllmSpawn {
  python: string;
  /** The base model's directory (served under the name `base`). */
  model: string;
  gpu: number;
  /** At least the largest adapter rank it will load. */
  maxLoraRank: number;
  env: NodeJS.ProcessEnv;
  port?: number;
  readyTimeoutMs?: number;
}

/** The command line, as a pure function (tested). */
export function vllmArgs(o: { model: string; port: number; maxLoraRank: number }): string[] {
  return [
    '-m', 'vllm.entrypoints.openai.api_server',
    '--model', o.model,
    '--served-model-name', 'base',
    '--host', '127.0.0.1',
    '--port', String(o.port),
    '--enable-lora',
    '--max-lora-rank', String(o.maxLoraRank),
    '--max-loras', '8',
    '--disable-log-requests',
  ];
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export class VllmEngine implements Engine {
  readonly kind = 'vllm' as const;
  readonly exited: Promise<void>;
  private gone = false;

  constructor(
    readonly url: string,
    readonly device: string,
    private readonly proc: ChildProcess | null,
  ) {
    this.exited = proc ? new Promise((res) => proc.once('close', () => ((this.gone = true), res()))) : new Promise(() => undefined);
  }

  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  static async start(o: VllmSpawn): Promise<VllmEngine> {
    const port = o.port ?? (await freePort());
    let tail = '';
    const proc = spawn(o.python, vllmArgs({ model: o.model, port, maxLoraRank: o.maxLoraRank }), {
      env: { ...o.env, VLLM_ALLOW_RUNTIME_LORA_UPDATING: 'True', CUDA_VISIBLE_DEVICES: String(o.gpu) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const s of [proc.stdout!, proc.stderr!]) s.setEncoding('utf8').on('data', (d: string) => (tail = (tail + d).slice(-4000)));
    const e = new VllmEngine(`http://127.0.0.1:${port}`, `cuda:${o.gpu}`, proc);
    const deadline = Date.now() + (o.readyTimeoutMs ?? 600_000);
    while (Date.now() < deadline) {
      if (e.gone) throw new EngineRequestError(`vLLM exited before it was ready: ${tail.trim().split('\n').slice(-6).join('\n')}`, 'model_load_failed');
      try {
        if ((await fetch(`${e.url}/v1/models`)).ok) return e;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await e.stop();
    throw new EngineRequestError('vLLM did not start listening in time', 'model_load_failed');
  }

  private async post(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    if (this.gone) throw new EngineGoneError('vLLM exited');
    try {
      return await fetch(`${this.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new EngineGoneError(`vLLM is unreachable: ${(err as Error).message}`);
    }
  }

  async loadAdapter(name: string, path: string): Promise<void> {
    const r = await this.post('/v1/load_lora_adapter', { lora_name: name, lora_path: path });
    const text = await r.text();
    // Loading twice is harmless: vLLM answers 400 "already been loaded".
    if (!r.ok && !/already/i.test(text)) throw new EngineRequestError(`vLLM could not load the adapter ${name}: ${text.slice(0, 500)}`, 'adapter_load_failed');
  }

  async generate(adapter: string | null, p: GenParams, h: GenHandlers, signal: AbortSignal, index = 0): Promise<GenResult> {
    const body = {
      model: adapter ?? 'base',
      messages: p.messages,
      ...(p.tools ? { tools: p.tools } : {}),
      max_tokens: p.max_tokens,
      temperature: p.temperature,
      top_p: p.top_p,
      stop: p.stop,
      seed: p.seed,
      n: p.n,
      stream: true,
      stream_options: { include_usage: true },
    };
    let r: Response;
    try {
      r = await this.post('/v1/chat/completions', body, signal);
    } catch (err) {
      if (signal.aborted) return { prompt_tokens: 0, completion_tokens: 0, choices: [{ index, finish_reason: 'cancelled', completion_tokens: 0 }] };
      throw err;
    }
    if (!r.ok || !r.body) throw new EngineRequestError(`vLLM answered ${r.status}: ${(await r.text()).slice(0, 500)}`, 'engine_error');
    const finish = new Map<number, 'stop' | 'length' | 'cancelled'>();
    let usage = { prompt_tokens: 0, completion_tokens: 0 };
    let started = false;
    let buf = '';
    const decoder = new TextDecoder();
    try {
      // Closing the connection is how vLLM is told to stop (it aborts the request on disconnect).
      for await (const part of r.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(part, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
          if (!data || data === '[DONE]') continue;
          const c = JSON.parse(data) as { choices?: Array<{ index: number; delta?: { content?: string }; finish_reason?: string | null }>; usage?: { prompt_tokens: number; completion_tokens: number } | null; error?: { message?: string } };
          if (c.error) throw new EngineRequestError(`vLLM: ${c.error.message ?? 'error'}`, 'engine_error');
          if (c.usage) usage = c.usage;
          for (const ch of c.choices ?? []) {
            if (!started) {
              started = true;
              h.onStart?.(usage.prompt_tokens);
            }
            if (ch.delta?.content) h.onDelta(index + ch.index, ch.delta.content);
            if (ch.finish_reason) finish.set(ch.index, ch.finish_reason === 'length' ? 'length' : 'stop');
          }
        }
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
    const n = Math.max(1, p.n);
    return {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      choices: Array.from({ length: n }, (_, i) => ({ index: index + i, finish_reason: signal.aborted ? 'cancelled' : (finish.get(i) ?? 'stop'), completion_tokens: n === 1 ? usage.completion_tokens : 0 })),
    };
  }

  /** vLLM batches concurrent requests itself: one request per adapter, all at once. */
  async compare(adapters: Array<string | null>, p: GenParams, h: GenHandlers, signal: AbortSignal): Promise<GenResult> {
    const rs = await Promise.all(adapters.map((a, i) => this.generate(a, { ...p, n: 1 }, { onStart: i === 0 ? h.onStart : undefined, onDelta: h.onDelta }, signal, i)));
    return { prompt_tokens: rs[0]?.prompt_tokens ?? 0, completion_tokens: rs.reduce((s, r) => s + r.completion_tokens, 0), choices: rs.flatMap((r) => r.choices) };
  }

  async tokenize(messages: unknown[]): Promise<number> {
    const r = await this.post('/tokenize', { model: 'base', messages });
    if (!r.ok) throw new EngineRequestError(`vLLM could not tokenize: ${(await r.text()).slice(0, 300)}`, 'engine_error');
    return ((await r.json()) as { count: number }).count;
  }

  async stop(): Promise<void> {
    const pid = this.proc?.pid;
    if (!pid || this.gone) return;
    signalSession(pid, 'SIGTERM');
    const t = setTimeout(() => signalSession(pid, 'SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
    signalSession(pid, 'SIGKILL');
  }
}
