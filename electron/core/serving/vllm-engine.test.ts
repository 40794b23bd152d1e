import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VllmEngine, vllmArgs, vllmPython } from './vllm-engine.js';
import { ServingManager } from './serving-manager.js';

/**
 * vLLM cannot run here (no NVIDIA GPU): the engine is driven against a test double of vLLM's
 * OpenAI server (testdata/fake-vllm, started as `python -m vllm.entrypoints.openai.api_server`
 * exactly as the real one), which logs the argv, env, adapter loads and requests it got.
 */
const FAKE = join(__dirname, 'testdata', 'fake-vllm');
let e: VllmEngine;
type Log = { argv: string[]; env: string | null; cuda: string | null; loads: Array<{ lora_name: string; lora_path: string }>; chats: Array<Record<string, unknown>>; disconnects: number };
const log = async () => (await (await fetch(`${e.url}/_log`)).json()) as Log;
const params = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 6, temperature: 0, top_p: 1, stop: [], seed: 3, n: 1 };

beforeAll(async () => {
  e = await VllmEngine.start({ python: 'python3', model: '/models/smollm2', gpu: 1, maxLoraRank: 64, env: { ...process.env, PYTHONPATH: FAKE }, readyTimeoutMs: 20_000 });
});
afterAll(async () => e?.stop());

describe('vLLM engine (against a fake vLLM server)', () => {
  it('command line: the OpenAI server with runtime LoRA, a rank ceiling and its own port; env allows runtime loading', async () => {
    expect(vllmArgs({ model: '/m', port: 1234, maxLoraRank: 32 })).toEqual(expect.arrayContaining(['-m', 'vllm.entrypoints.openai.api_server', '--model', '/m', '--enable-lora', '--max-lora-rank', '32', '--port', '1234']));
    const l = await log();
    expect(l.argv).toEqual(expect.arrayContaining(['--enable-lora', '--max-lora-rank', '64', '--model', '/models/smollm2', '--served-model-name', 'base']));
    expect(l.env).toBe('True');
    expect(l.cuda).toBe('1');
    expect(e.device).toBe('cuda:1');
  });

  it('adapters load with POST /v1/load_lora_adapter under their ft: names; loading twice is fine', async () => {
    await e.loadAdapter('ft:m:hone::job-1', '/jobs/job-1/output/adapter');
    await e.loadAdapter('ft:m:hone::job-1', '/jobs/job-1/output/adapter');
    expect((await log()).loads).toEqual([
      { lora_name: 'ft:m:hone::job-1', lora_path: '/jobs/job-1/output/adapter' },
      { lora_name: 'ft:m:hone::job-1', lora_path: '/jobs/job-1/output/adapter' },
    ]);
  });

  it('relays the stream: deltas, finish_reason, usage; the adapter is the model name, the base is "base"', async () => {
    let text = '';
    let prompt = -1;
    const r = await e.generate('ft:m:hone::job-1', params, { onStart: (n) => (prompt = n), onDelta: (_, t) => (text += t) }, new AbortController().signal);
    expect(text).toBe('Hello from ft:m:hone::job-1..');
    expect(r).toEqual({ prompt_tokens: 11, completion_tokens: 6, choices: [{ index: 0, finish_reason: 'length', completion_tokens: 6 }] });
    expect(prompt).toBe(0); // vLLM sends usage only at the end
    const sent = (await log()).chats.at(-1)!;
    expect(sent).toMatchObject({ model: 'ft:m:hone::job-1', max_tokens: 6, temperature: 0, seed: 3, stream: true, stream_options: { include_usage: true } });

    const cmp: string[] = ['', ''];
    const c = await e.compare([null, 'ft:m:hone::job-1'], params, { onDelta: (i, t) => (cmp[i] += t) }, new AbortController().signal);
    expect(cmp).toEqual(['Hello from base..', 'Hello from ft:m:hone::job-1..']);
    expect(c.choices.map((x) => x.index)).toEqual([0, 1]);
    expect(await e.tokenize(params.messages)).toBe(11);
  });

  it('an abort closes the connection (how vLLM is told to stop) and ends as cancelled', async () => {
    const ac = new AbortController();
    let n = 0;
    const r = await e.generate(null, { ...params, max_tokens: 500 }, { onDelta: () => ++n === 3 && ac.abort() }, ac.signal);
    expect(r.choices[0]!.finish_reason).toBe('cancelled');
    await new Promise((res) => setTimeout(res, 300));
    expect((await log()).disconnects).toBe(1);
  });

  it('an error answer is a request error, and the engine keeps serving', async () => {
    await expect(e.generate('ft:unknown', params, { onDelta: () => undefined }, new AbortController().signal)).rejects.toThrow(/404/);
    const r = await e.generate(null, params, { onDelta: () => undefined }, new AbortController().signal);
    expect(r.completion_tokens).toBe(6);
  });
});

describe('engine choice (vLLM or the transformers worker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hone-vllm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const manager = (env: NodeJS.ProcessEnv = {}) => new ServingManager({ python: 'python3', modelsDir: dir, dataDir: dir, childEnv: () => env });

  it('falls back to the transformers worker without a vLLM venv, or on the CPU', () => {
    expect(vllmPython(dir, {})).toBeNull();
    expect(manager().engineChoice(0).engine).toBe('transformers');
    mkdirSync(join(dir, 'python-vllm', 'bin'), { recursive: true });
    writeFileSync(join(dir, 'python-vllm', 'bin', 'python'), '');
    expect(vllmPython(dir, {})).toBe(join(dir, 'python-vllm', 'bin', 'python'));
    expect(manager().engineChoice(null)).toMatchObject({ engine: 'transformers', reason: expect.stringMatching(/NVIDIA/) });
    expect(manager().engineChoice(0)).toMatchObject({ engine: 'vllm', python: join(dir, 'python-vllm', 'bin', 'python') });
    expect(vllmPython(dir, { HONE_VLLM_PYTHON: join(dir, 'python-vllm', 'bin', 'python') })).toBe(join(dir, 'python-vllm', 'bin', 'python'));
  });
});
