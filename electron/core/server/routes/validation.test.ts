/**
 * The validation API against a real server: the official openai SDK, fetch and curl, real files on
 * disk, the validator in a real worker thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import OpenAI, { toFile } from 'openai';
import { createCore, type Core } from '../../core.js';
import { buildApp } from '../app.js';
import { validationRoutes, validationService } from './validation.js';
import { ValDatasetResponse } from '../../../shared/schemas/validation.js';
import type { App } from '../types.js';

const KEY = 'validation-test-key-0123456789';
const fixtures = new URL('../../../shared/validation/fixtures/', import.meta.url);
const samples = new URL('../../../../resources/datasets/', import.meta.url);

interface Server {
  app: App;
  core: Core;
  url: string;
  dataDir: string;
  client: OpenAI;
  stop(): Promise<void>;
}

async function start(apiKey: string | null): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hone-validation-'));
  const core = await createCore({ dataDir });
  const app = await buildApp(core, { security: { bindHost: '127.0.0.1', apiKey } });
  // Until the app registers this module itself (one line in server/app.ts ROUTES).
  if (!app.hasRoute({ method: 'POST', url: '/v1/val_dataset' })) await validationRoutes(app, core);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    app,
    core,
    url,
    dataDir,
    client: new OpenAI({ apiKey: apiKey ?? 'none', baseURL: `${url}/v1`, maxRetries: 0 }),
    async stop() {
      await app.close();
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const J = JSON.stringify;
const good = J({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi?' }, { role: 'assistant', content: 'Hello.' }] });
const clean = Array(12).fill(good).join('\n') + '\n';
const broken = [good, good, '{"messages": [', good, J({ messages: [{ role: 'user', content: 'x' }] }), ...Array(8).fill(good)].join('\n') + '\n';

async function upload(s: Server, name: string, content: string | Uint8Array, purpose: 'fine-tune' | 'batch' = 'fine-tune') {
  return s.client.files.create({ file: await toFile(Buffer.from(content), name), purpose });
}

async function settled(s: Server, id: string) {
  for (let i = 0; i < 200; i++) {
    const f = await s.client.files.retrieve(id);
    if (f.status !== 'uploaded') return f;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`file ${id} stayed 'uploaded'`);
}

const valDataset = (s: Server, query: Record<string, string>) =>
  s.client.post('/val_dataset', { query }) as Promise<ValDatasetResponse>;

describe('validation API (auth on)', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start(KEY);
  });
  afterAll(async () => s?.stop());

  it('a clean fine-tune upload becomes processed; val_dataset says exactly "No errors found"', async () => {
    const f = await upload(s, 'clean.jsonl', clean);
    expect(['uploaded', 'processed']).toContain(f.status);
    expect(await settled(s, f.id)).toMatchObject({ status: 'processed', status_details: null });
    const r = await valDataset(s, { file_id: f.id });
    expect(ValDatasetResponse.parse(r)).toBeTruthy();
    expect(r).toMatchObject({ id: f.id, object: 'file', errors: ['No errors found'], valid: true, format: 'chat' });
    expect(r.stats).toMatchObject({ examples: 12, valid_examples: 12, auto_epochs: 8 });
    expect(r.stats.token_counting.method).toBe('estimate');
    expect(r.warning_counts).toMatchObject({ duplicate_example: 11 });
  });

  it('a broken upload becomes error with status_details naming the first problem', async () => {
    const f = await upload(s, 'broken.jsonl', broken);
    const done = await settled(s, f.id);
    expect(done.status).toBe('error');
    expect(done.status_details).toMatch(/^line 3: invalid JSON \(.+\) \(and 1 more problem; see GET \/v1\/files\/.+\/validation\)$/);

    const r = await valDataset(s, { file_id: f.id });
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([expect.stringMatching(/^line 3: invalid JSON/), 'line 5, messages: example has no assistant message, so nothing can be trained']);
    expect(r.error_counts).toEqual({ invalid_json: 1, example_missing_assistant_message: 1 });
    expect(r.error_details.map((e) => [e.category, e.line])).toEqual([
      ['invalid_json', 3],
      ['example_missing_assistant_message', 5],
    ]);

    const latest = await s.client.get(`/files/${f.id}/validation`);
    expect(latest).toEqual(r);
  });

  it('non-fine-tune files stay processed and are validated only on request', async () => {
    const f = await upload(s, 'batch.jsonl', '{"not": "a dataset"}\n', 'batch');
    expect(f.status).toBe('processed');
    const r = (await s.client.get(`/files/${f.id}/validation`)) as ValDatasetResponse;
    expect(r.error_counts).toEqual({ missing_messages_list: 1 });
    expect((await s.client.files.retrieve(f.id)).status).toBe('processed');
  });

  it('the seed sample (a JSON array) validates clean', async () => {
    const f = await upload(s, 'seed.json', readFileSync(new URL('seed-sample.json', samples)));
    expect(await settled(s, f.id)).toMatchObject({ status: 'processed' });
    const r = await valDataset(s, { file_id: f.id });
    expect(r).toMatchObject({ errors: ['No errors found'], container: 'json_array', format: 'chat' });
    expect(r.warning_counts).toEqual({ too_few_examples: 1, json_array_container: 1 });
    // What job creation asks for: the 10-example minimum becomes an error.
    const strict = await validationService(s.core).validate(f.id, { requireMinExamples: true, format: 'chat' });
    expect(strict).toMatchObject({ valid: false, errors: ['file: the file has 1 example; fine-tuning needs at least 10'] });
  });

  it("model=… counts with that model's tokenizer from the models dir; unknown model is a 404", async () => {
    cpSync(new URL('hone-tiny-llama', fixtures), join(s.dataDir, 'models', 'hone-tiny-llama'), { recursive: true });
    const f = await upload(s, 'oracle.jsonl', readFileSync(new URL('oracle-examples.jsonl', fixtures)));
    const r = await valDataset(s, { file_id: f.id, model: 'hone-tiny-llama' });
    const oracle = JSON.parse(readFileSync(new URL('oracle-counts.json', fixtures), 'utf8')).markers as { total: number; trained: number }[];
    expect(r.stats.token_counting).toMatchObject({ method: 'model', model: 'hone-tiny-llama', context_length: 1024 });
    expect(r.stats.tokens_per_epoch).toBe(oracle.reduce((a, o) => a + o.total, 0));
    expect(r.stats.trained_tokens_per_epoch).toBe(oracle.reduce((a, o) => a + o.trained, 0));

    for (const model of ['no-such-model', '../files', '/etc']) {
      const err = await valDataset(s, { file_id: f.id, model }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    }
    expect((await valDataset(s, { file_id: f.id, model: 'nope' }).catch((e) => e)).message).toContain('hone-tiny-llama');
  });

  it('format=… enforces a format', async () => {
    const f = await upload(s, 'chat.jsonl', clean);
    const r = await valDataset(s, { file_id: f.id, format: 'preference' });
    expect(r).toMatchObject({ valid: false, format_source: 'enforced', error_counts: { unexpected_format: 12 } });
    const bad = await fetch(`${s.url}/v1/val_dataset?file_id=${f.id}&format=xml`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ type: 'invalid_request_error' });
  });

  it('unknown file: 404 envelope on both endpoints', async () => {
    for (const p of ['/val_dataset?file_id=fine-tune-upload_4-Depth-aware.jsonl', '/files/file-nope/validation']) {
      const res = await fetch(`${s.url}/v1${p}`, { method: p.startsWith('/val') ? 'POST' : 'GET', headers: { authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { message: expect.stringMatching(/^No such File object: /), type: 'invalid_request_error', param: 'file_id', code: 'not_found' },
      });
    }
    const missing = await fetch(`${s.url}/v1/val_dataset`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(missing.status).toBe(400);
  });

  it("the seed's curl without a key is refused with 401 while auth is on", async () => {
    const f = await upload(s, 'clean2.jsonl', clean);
    const res = await fetch(`${s.url}/v1/val_dataset?file_id=${f.id}`, { method: 'POST', headers: { accept: 'application/json' }, body: '' });
    expect(res.status).toBe(401);
  });

  it('hostile bytes never answer 500', async () => {
    let seed = 99;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const inputs: Uint8Array[] = [
      Uint8Array.from({ length: 3000 }, () => Math.floor(rand() * 256)),
      new Uint8Array([0xff, 0xfe, 0x5b, 0x00]),
      Buffer.from('['.repeat(100_000)),
      Buffer.from('{"messages": [{"role": "user", "content": "' + 'x'.repeat(10 << 20)),
    ];
    for (const bytes of inputs) {
      const f = await upload(s, 'fuzz.jsonl', bytes);
      expect((await settled(s, f.id)).status).toBe('error');
      const r = await valDataset(s, { file_id: f.id });
      expect(r.valid).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
    }
  });

  it('is described in the OpenAPI document', async () => {
    const res = await fetch(`${s.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/val_dataset'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/v1/files/{file_id}/validation'] ?? {})).toContain('get');
  });

  it('a file whose content vanished still gets a report (internal_error), not a 500', async () => {
    const f = await upload(s, 'vanish.jsonl', clean, 'batch');
    rmSync(s.core.files.contentPath(f.id));
    const r = await valDataset(s, { file_id: f.id });
    expect(r).toMatchObject({ valid: false, error_counts: { internal_error: 1 } });
    expect(r.errors[0]).toMatch(/^file: validation could not finish: .*ENOENT/);
  });

  it('stays responsive while a large file validates in the worker', async () => {
    const big = join(s.dataDir, 'big.jsonl');
    const line = J({ messages: [{ role: 'user', content: 'q '.repeat(200) }, { role: 'assistant', content: 'a '.repeat(400) }] }) + '\n';
    writeFileSync(big, line.repeat(Math.ceil((40 << 20) / line.length)));
    const f = await s.client.files.create({ file: await toFile(readFileSync(big), 'big.jsonl'), purpose: 'batch' });
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    const validation = valDataset(s, { file_id: f.id });
    const pings: number[] = [];
    let done = false;
    void validation.finally(() => (done = true));
    while (!done) {
      const t = performance.now();
      const res = await fetch(`${s.url}/v1/files/${f.id}`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(200);
      pings.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    lag.disable();
    const r = await validation;
    expect(r.valid).toBe(true);
    expect(pings.length).toBeGreaterThan(3);
    // The event loop never stalled for the duration of the validation.
    expect(lag.max / 1e6).toBeLessThan(Math.max(250, (performance.now() - t0) / 4));
    expect(Math.max(...pings)).toBeLessThan(500);
  });
});

describe('validation API (auth off, loopback)', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start(null);
  });
  afterAll(async () => s?.stop());

  it("the seed's curl command works as written (with our file id)", async () => {
    const f = await upload(s, 'Depth-aware_convolutional_neural_networks.jsonl', clean);
    const url = `${s.url}/v1/val_dataset?file_id=${f.id}`;
    const { stdout } = await promisify(execFile)('curl', ['-s', '-X', 'POST', url, '-H', 'accept: application/json', '-d', '']);
    const body = JSON.parse(stdout);
    expect(body).toMatchObject({ id: f.id, errors: ['No errors found'], object: 'file' });
    expect(stdout.startsWith(`{"id":${JSON.stringify(f.id)},"errors":["No errors found"],"object":"file",`)).toBe(true);
  });
});
