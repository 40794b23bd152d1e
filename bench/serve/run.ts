/**
 * Serving speed through Hone (HTTP + SSE, the worker) against a plain transformers generate loop
 * (baseline.py) on the same model and prompt, in the same run; and the relay's own overhead (when
 * the core got each worker event vs when the SSE chunk reached the client, same clock).
 *
 *   npx tsx bench/serve/run.ts [--model smollm2-135m-instruct] [--max-tokens 64] [--repeats 3]
 *
 * Targets: Hone tokens/s >= 0.9x the baseline's, time to first token within 1.2x.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../../electron/core/config.js';
import { startServer } from '../../electron/core/server/start.js';
import type { GenHandlers } from '../../electron/core/serving/engine.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PY = join(ROOT, '.venv', 'bin', 'python');
const KEY = 'bench-serve-key-0123';
const MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Write a short paragraph about planting tomatoes in spring.' },
];

export interface Side {
  ttft_s: number;
  tokens_per_s: number;
  tokens: number;
}
export interface ServeBench {
  model: string;
  max_tokens: number;
  hone: Side;
  baseline: Side;
  ratio_tokens_per_s: number;
  ratio_ttft: number;
  /** Mean ms between the core receiving a worker delta and the client reading its SSE chunk. */
  relay_ms: number;
  same_text: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

export async function runServeBench(o: { model: string; maxTokens: number; repeats: number }): Promise<ServeBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hone-bench-serve-'));
  const server = await startServer({ ...resolveConfig(['--port', '0', '--data-dir', dataDir], { HONE_API_KEY: KEY }) }, { core: { mlflow: 'off', benchmarksByDefault: false, trainerEnv: { HF_HUB_OFFLINE: '1' } } });
  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  try {
    await api(`/v1/models/${o.model}/prepare`, { method: 'POST' });
    let path = '';
    for (let i = 0; i < 1200 && !path; i++) {
      const m = (await (await api(`/v1/models/${o.model}`)).json()) as { status: string; path: string; error?: { message?: string } | null };
      if (m.status === 'ready') path = m.path;
      else if (m.status === 'failed') throw new Error(`prepare failed: ${JSON.stringify(m.error)}`);
      else await new Promise((r) => setTimeout(r, 500));
    }

    // The core's view of the worker's events, stamped on arrival (same clock as the client).
    const workerTimes: number[] = [];
    const serving = server.core.serving;
    const generate = serving.generate.bind(serving);
    serving.generate = (t, p, h: GenHandlers, signal) => generate(t, p, { onStart: h.onStart, onDelta: (i, text) => (workerTimes.push(performance.now()), h.onDelta(i, text)) }, signal);

    const body = JSON.stringify({ model: o.model, messages: MESSAGES, max_tokens: o.maxTokens, temperature: 0, stream: true, stream_options: { include_usage: true } });
    const honeRuns: Side[] = [];
    const relay: number[] = [];
    let honeText = '';
    for (let r = 0; r <= o.repeats; r++) {
      workerTimes.length = 0;
      const sse: number[] = [];
      let text = '';
      let tokens = 0;
      const t0 = performance.now();
      const res = await api('/v1/chat/completions', { method: 'POST', body });
      const decoder = new TextDecoder();
      let buf = '';
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(part, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n\n')) >= 0) {
          const data = buf.slice(6, nl);
          buf = buf.slice(nl + 2);
          if (data === '[DONE]') continue;
          const c = JSON.parse(data) as { choices: Array<{ delta: { content?: string } }>; usage?: { completion_tokens: number } };
          if (c.choices[0]?.delta.content) {
            sse.push(performance.now());
            text += c.choices[0].delta.content;
          }
          if (c.usage) tokens = c.usage.completion_tokens;
        }
      }
      if (r === 0) continue; // warm-up: the worker loads the model
      honeText = text;
      honeRuns.push({ ttft_s: (sse[0]! - t0) / 1000, tokens, tokens_per_s: (tokens - 1) / ((sse.at(-1)! - sse[0]!) / 1000) });
      relay.push(...sse.map((t, i) => t - (workerTimes[i] ?? t)));
    }

    const out = execFileSync(PY, [join(ROOT, 'bench', 'serve', 'baseline.py'), path, JSON.stringify(MESSAGES), String(o.maxTokens), String(o.repeats + 1)], { env: { ...process.env, HF_HUB_OFFLINE: '1' }, maxBuffer: 1 << 24 }).toString();
    const base = out
      .split('\n')
      .filter((l) => l.startsWith('BENCH_RESULT '))
      .map((l) => JSON.parse(l.slice(13)) as Side & { text: string })
      .slice(1); // warm-up
    const hone = { ttft_s: median(honeRuns.map((x) => x.ttft_s)), tokens_per_s: median(honeRuns.map((x) => x.tokens_per_s)), tokens: honeRuns[0]!.tokens };
    const baseline = { ttft_s: median(base.map((x) => x.ttft_s)), tokens_per_s: median(base.map((x) => x.tokens_per_s)), tokens: base[0]!.tokens };
    return {
      model: o.model,
      max_tokens: o.maxTokens,
      hone,
      baseline,
      ratio_tokens_per_s: hone.tokens_per_s / baseline.tokens_per_s,
      ratio_ttft: hone.ttft_s / baseline.ttft_s,
      relay_ms: relay.reduce((a, b) => a + b, 0) / Math.max(1, relay.length),
      same_text: base[0]!.text.trim() === honeText.trim(),
    };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('run.ts')) {
  const arg = (name: string, d: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1]! : d;
  };
  void runServeBench({ model: arg('model', 'smollm2-135m-instruct'), maxTokens: Number(arg('max-tokens', '64')), repeats: Number(arg('repeats', '3')) }).then((r) => {
    const f = (x: number) => x.toFixed(3);
    console.log(`model ${r.model}, greedy, ${r.max_tokens} max tokens (hone ${r.hone.tokens}, baseline ${r.baseline.tokens} generated; same text: ${r.same_text})`);
    console.log(`tokens/s   hone ${r.hone.tokens_per_s.toFixed(1)}  baseline ${r.baseline.tokens_per_s.toFixed(1)}  ratio ${f(r.ratio_tokens_per_s)} (target >= 0.9)`);
    console.log(`TTFT (s)   hone ${f(r.hone.ttft_s)}  baseline ${f(r.baseline.ttft_s)}  ratio ${f(r.ratio_ttft)} (target <= 1.2)`);
    console.log(`relay      ${r.relay_ms.toFixed(2)} ms per chunk (core got the worker event → client read the SSE chunk)`);
    console.log(`BENCH_RESULT ${JSON.stringify(r)}`);
  });
}
