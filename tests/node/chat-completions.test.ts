import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startTestServer, errorOf, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';
import type { ServingStatus } from '../../electron/shared/schemas/chat.js';

/**
 * /v1/chat/completions through the official Node SDK against a real server and the real inference
 * worker on the CPU (hone-tiny-llama). The tests run in order and share one worker and one trained
 * adapter: the training job that makes the `ft:` model is also the one that preempts the worker.
 */
let s: TestServer;
let modelPath = '';
const MODEL = 'hone-tiny-llama';
const PY = join(process.cwd(), '.venv', 'bin', 'python');
const messages = [
  { role: 'system' as const, content: 'You are a terse assistant.' },
  { role: 'user' as const, content: 'What is the code word number 1?' },
];

const serving = async () => (await (await s.api('/v1/hone/serving')).json()) as ServingStatus;

/** The prompt's token count by the model's own tokenizer, outside Hone. */
const counted = new Map<string, number>();
function tokenizerCount(msgs: unknown[]): number {
  const key = JSON.stringify(msgs);
  if (!counted.has(key)) counted.set(key, runTokenizer(msgs));
  return counted.get(key)!;
}
function runTokenizer(msgs: unknown[]): number {
  const code = 'import json,sys; from transformers import AutoTokenizer; t=AutoTokenizer.from_pretrained(sys.argv[1]); print(len(t.apply_chat_template(json.loads(sys.argv[2]), add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]))';
  return Number(execFileSync(PY, ['-c', code, modelPath, JSON.stringify(msgs)], { env: { ...process.env, HF_HUB_OFFLINE: '1' } }).toString().trim());
}

/** The raw SSE `data:` payloads of a streamed request. */
async function rawStream(body: object): Promise<string[]> {
  const res = await s.api('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((b) => {
      expect(b.startsWith('data: ')).toBe(true); // bare data lines, as OpenAI writes them
      return b.slice(6);
    });
}

beforeAll(async () => {
  s = await startTestServer({}, { trainerEnv: { HF_HUB_OFFLINE: '1' } });
  await s.api(`/v1/models/${MODEL}/prepare`, { method: 'POST' });
  const m = await waitFor(async () => (await (await s.api(`/v1/models/${MODEL}`)).json()) as { status: string; path: string }, (m) => m.status === 'ready', 120_000, 'model ready');
  modelPath = m.path;
}, 150_000);
afterAll(async () => s?.stop());

describe('chat completions (real worker, CPU, hone-tiny-llama)', () => {
  it('non-stream and stream give the same answer for the same seed; usage is the tokenizer count', async () => {
    const req = { model: MODEL, messages, max_tokens: 12, temperature: 0.8, seed: 7 };
    const a = await s.client.chat.completions.create(req);
    expect(a).toMatchObject({ object: 'chat.completion', model: MODEL, choices: [{ index: 0, message: { role: 'assistant' } }] });
    expect(a.id).toMatch(/^chatcmpl-/);
    expect(a.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(a.usage!.prompt_tokens).toBe(tokenizerCount(messages));
    expect(a.usage!.total_tokens).toBe(a.usage!.prompt_tokens + a.usage!.completion_tokens);
    if (a.choices[0]!.finish_reason === 'length') expect(a.usage!.completion_tokens).toBe(12);

    const stream = await s.client.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe(a.choices[0]!.message.content);
    expect(usage).toEqual(a.usage);
  }, 180_000);

  it('the stream contract, chunk by chunk', async () => {
    const payloads = await rawStream({ model: MODEL, messages, max_tokens: 6, temperature: 0, stream_options: { include_usage: true } });
    expect(payloads.at(-1)).toBe('[DONE]');
    const chunks = payloads.slice(0, -1).map((p) => JSON.parse(p) as { id: string; object: string; created: number; model: string; choices: Array<{ index: number; delta: { role?: string; content?: string }; finish_reason: string | null }>; usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.object).toBe('chat.completion.chunk');
      expect([c.id, c.created, c.model]).toEqual([chunks[0]!.id, chunks[0]!.created, MODEL]);
    }
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.slice(1).every((c) => c.choices.every((ch) => ch.delta.role === undefined))).toBe(true);
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage!.prompt_tokens).toBe(tokenizerCount(messages));
    const last = chunks.at(-2)!;
    expect(['stop', 'length']).toContain(last.choices[0]!.finish_reason);
    // Only the last choice chunk has a finish_reason; usage only on the extra chunk.
    expect(chunks.slice(0, -2).every((c) => c.choices[0]!.finish_reason === null && !c.usage)).toBe(true);
    expect(usageChunk.usage!.completion_tokens).toBe(last.choices[0]!.finish_reason === 'length' ? 6 : usageChunk.usage!.completion_tokens);
    // Without include_usage: no usage chunk.
    const plain = await rawStream({ model: MODEL, messages, max_tokens: 3, temperature: 0 });
    expect(plain.slice(0, -1).every((p) => (JSON.parse(p) as { choices: unknown[] }).choices.length === 1)).toBe(true);
  }, 120_000);

  it('unknown model is a 404 envelope; bad params are 400 envelopes naming the param', async () => {
    await expect(s.client.chat.completions.create({ model: 'gpt-17-ultra', messages })).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    await expect(s.client.chat.completions.create({ model: MODEL, messages, temperature: 3 })).rejects.toMatchObject({ status: 400, param: 'temperature' });
    await expect(s.client.chat.completions.create({ model: MODEL, messages, top_p: 0 })).rejects.toMatchObject({ status: 400, param: 'top_p' });
    await expect(s.client.chat.completions.create({ model: MODEL, messages, max_tokens: 0 })).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
    await expect(s.client.chat.completions.create({ model: MODEL, messages: [] })).rejects.toMatchObject({ status: 400, param: 'messages' });
    // A server-wide cap per request: above it a 400 that names the field the client used and the cap.
    process.env.HONE_SERVE_MAX_TOKENS = '5';
    try {
      await expect(s.client.chat.completions.create({ model: MODEL, messages, max_tokens: 6 })).rejects.toMatchObject({ status: 400, param: 'max_tokens', code: 'max_tokens_too_large', message: expect.stringContaining('(5,') });
      await expect(s.client.chat.completions.create({ model: MODEL, messages, max_completion_tokens: 9 })).rejects.toMatchObject({ status: 400, param: 'max_completion_tokens' });
      const capped = await s.client.chat.completions.create({ model: MODEL, messages, temperature: 0 }); // the default 256 drops to the cap
      expect(capped.usage!.completion_tokens).toBeLessThanOrEqual(5);
    } finally {
      delete process.env.HONE_SERVE_MAX_TOKENS;
    }
    const r = await s.api('/v1/hone/chat/compare', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ models: [MODEL, 'nope'], messages }) });
    expect(await errorOf(r)).toMatchObject({ status: 404, error: { param: 'models.1', code: 'model_not_found' } });
  });

  it('an aborted stream stops generation: the worker stops counting tokens', async () => {
    const ac = new AbortController();
    const stream = await s.client.chat.completions.create({ model: MODEL, messages, max_tokens: 4000, temperature: 1, seed: 1, stream: true }, { signal: ac.signal });
    let n = 0;
    try {
      for await (const c of stream) if (c.choices[0]?.delta.content && ++n === 5) ac.abort();
    } catch {
      /* the SDK may end the iteration or throw on abort; either way the connection is closed */
    }
    expect(n).toBe(5);
    const idle = await waitFor(serving, (st) => st.data[0]?.state === 'idle', 10_000, 'worker idle after abort');
    const count = idle.data[0]!.tokens_generated;
    await new Promise((r) => setTimeout(r, 1000));
    expect((await serving()).data[0]!.tokens_generated).toBe(count);
    expect(count).toBeLessThan(3000); // far from the 4000 asked for, plus the earlier tests' few
  }, 60_000);

  it("the worker survives one request's crash, and a killed worker restarts on the next request", async () => {
    const pid = (await serving()).data[0]!.pid!;
    const huge = [{ role: 'user' as const, content: 'word '.repeat(40_000) }];
    await expect(s.client.chat.completions.create({ model: MODEL, messages: huge, max_tokens: 2 })).rejects.toMatchObject({ status: 400 });
    const ok = await s.client.chat.completions.create({ model: MODEL, messages, max_tokens: 2, temperature: 0 });
    expect(ok.choices[0]!.message.content).toBeTypeOf('string');
    expect((await serving()).data[0]!.pid).toBe(pid);

    process.kill(pid, 'SIGKILL');
    await waitFor(serving, (st) => st.data.length === 0, 10_000, 'crashed worker forgotten');
    const again = await s.client.chat.completions.create({ model: MODEL, messages, max_tokens: 2, temperature: 0 });
    expect(again.choices[0]!.message.content).toBe(ok.choices[0]!.message.content);
    const st = await serving();
    expect(st.data[0]).toMatchObject({ engine: 'transformers', base_model: MODEL, device: 'cpu', gpu: null, state: 'idle' });
    expect(st.data[0]!.pid).not.toBe(pid);
  }, 120_000);

  let ft = '';
  it('a training job preempts the loaded worker (queue reason says so), runs, and its ft: model answers', async () => {
    expect((await serving()).data).toHaveLength(1); // loaded on the CPU slot
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 'train.jsonl'), purpose: 'fine-tune' });
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: MODEL, hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 5 }, suffix: 'chat' });
    const done = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status), 240_000, 'job end');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const events = [];
    for await (const e of s.client.fineTuning.jobs.listEvents(job.id, { limit: 100 })) events.push(e.message);
    expect(events).toContain(`Queued (position 1): the CPU is serving ${MODEL}; unloading it for this job`);
    ft = done.fine_tuned_model!;

    const a = await s.client.chat.completions.create({ model: ft, messages, max_tokens: 8, temperature: 0 });
    expect(a.model).toBe(ft);
    const streamed = await s.client.chat.completions.create({ model: ft, messages, max_tokens: 8, temperature: 0, stream: true });
    let text = '';
    for await (const c of streamed) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe(a.choices[0]!.message.content);
    const st = await serving();
    expect(st.data).toHaveLength(1); // the adapter rides on the base's worker
    expect(st.data[0]!.adapters).toEqual([ft]);
  }, 300_000);

  it('compare: base and fine-tuned in one batched call equal their solo answers', async () => {
    const req = { messages, max_tokens: 8, temperature: 0 };
    const base = await s.client.chat.completions.create({ model: MODEL, ...req });
    const tuned = await s.client.chat.completions.create({ model: ft, ...req });
    const res = await s.api('/v1/hone/chat/compare', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ models: [MODEL, ft], ...req }) });
    const cmp = (await res.json()) as { object: string; results: Array<{ model: string; message: { content: string } }> };
    expect(cmp.object).toBe('hone.chat.comparison');
    expect(cmp.results.map((r) => [r.model, r.message.content])).toEqual([
      [MODEL, base.choices[0]!.message.content],
      [ft, tuned.choices[0]!.message.content],
    ]);
    // Streamed: chunks by index, then [DONE].
    const sres = await s.api('/v1/hone/chat/compare', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ models: [MODEL, ft], ...req, stream: true }) });
    const payloads = (await sres.text()).split('\n\n').filter((b) => b.trim()).map((b) => b.slice(6));
    expect(payloads.at(-1)).toBe('[DONE]');
    const texts = ['', ''];
    for (const p of payloads.slice(0, -1)) {
      const c = JSON.parse(p) as { object: string; choices: Array<{ index: number; delta: { content?: string } }> };
      expect(c.object).toBe('hone.chat.comparison.chunk');
      for (const ch of c.choices) texts[ch.index] += ch.delta.content ?? '';
    }
    expect(texts).toEqual(cmp.results.map((r) => r.message.content));
  }, 120_000);
});
