import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';
import type { ExportEvent, ExportObject } from '../../electron/shared/schemas/exports.js';
import { isSameProcess } from '../../electron/core/runner/process-tree.js';

/** Exports through the API on a real fine-tuned hone-tiny-llama (one short job for the file). */
const dataDir = mkdtempSync(join(tmpdir(), 'hone-exports-'));
let s: TestServer;
let ft: string;

const start = () => startTestServer({}, { trainerEnv: { HF_HUB_OFFLINE: '1' } }, dataDir);
const enc = encodeURIComponent;
const post = (path: string, body: unknown) => s.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const create = async (model: string, body: unknown) => {
  const res = await post(`/v1/models/${enc(model)}/exports`, body);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ExportObject;
};
const retrieve = async (id: string) => (await (await s.api(`/v1/hone/exports/${id}`)).json()) as ExportObject;
const ended = (id: string, ms = 180_000) => waitFor(() => retrieve(id), (e) => ['succeeded', 'failed', 'cancelled'].includes(e.status), ms, `export ${id}`);
const events = async (id: string) => ((await (await s.api(`/v1/hone/exports/${id}/events`)).json()) as { data: ExportEvent[] }).data;

beforeAll(async () => {
  s = await start();
  const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 'train.jsonl'), purpose: 'fine-tune' });
  const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1, batch_size: 4 }, suffix: 'exp' });
  const done = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status), 240_000, 'job end');
  expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
  ft = done.fine_tuned_model!;
}, 300_000);
afterAll(async () => {
  await s?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('model exports API', () => {
  it('bad requests are 400 envelopes naming the param; unknown models and exports are 404', async () => {
    const bad = async (model: string, body: unknown) => errorOf(await post(`/v1/models/${enc(model)}/exports`, body));
    expect(await bad(ft, { format: 'zip' })).toMatchObject({ status: 400, error: { param: 'format' } });
    expect(await bad(ft, { format: 'gguf', quantization: 'q2_xx' })).toMatchObject({ status: 400, error: { param: 'quantization' } });
    expect(await bad(ft, { format: 'merged', quantization: 'q8_0' })).toMatchObject({ status: 400, error: { param: 'quantization' } });
    expect(await bad(ft, { format: 'lora_gguf', quantization: 'q8_0' })).toMatchObject({ status: 400, error: { param: 'quantization' } });
    const q4 = await bad(ft, { format: 'gguf', quantization: 'q4_k_m' }); // no llama-quantize on the test machines
    expect(q4).toMatchObject({ status: 400, error: { param: 'quantization', code: 'quantization_unavailable' } });
    expect(q4.error.message).toMatch(/llama-quantize/);
    expect(await bad('hone-tiny-llama', { format: 'merged' })).toMatchObject({ status: 400, error: { param: 'model' } });
    expect(await bad('no-such-model-xyz', { format: 'gguf' })).toMatchObject({ status: 404, error: { param: 'model', code: 'model_not_found' } });
    expect(await bad('ft:hone-tiny-llama:hone:x:ftjob-nope', { format: 'merged' })).toMatchObject({ status: 404, error: { param: 'model' } });
    expect(await errorOf(await s.api('/v1/hone/exports/export-nope'))).toMatchObject({ status: 404, error: { param: 'export_id' } });
    expect((await s.api(`/v1/models/${enc(ft)}/exports`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('a merged export runs with progress and events, lists on the model, and downloads byte for byte', async () => {
    const e = await create(ft, { format: 'merged' });
    expect(e).toMatchObject({ object: 'hone.export', model: ft, format: 'merged', quantization: null, files: [], error: null });
    expect(['queued', 'running']).toContain(e.status);
    const done = await ended(e.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.progress).toBe(1);
    const names = done.files.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['model.safetensors', 'config.json', 'tokenizer.json', 'chat_template.jinja']));
    const evs = await events(e.id);
    const progress = evs.filter((x) => x.progress !== null).map((x) => x.progress!);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(evs.some((x) => x.stage === 'merge')).toBe(true);
    expect(evs.at(-1)!.message).toBe('Export succeeded');

    const list = (await (await s.api(`/v1/models/${enc(ft)}/exports`)).json()) as { data: ExportObject[] };
    expect(list.data.map((x) => x.id)).toContain(e.id);

    const f = done.files.find((x) => x.name === 'model.safetensors')!;
    const res = await s.api(f.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''model.safetensors");
    const body = Buffer.from(await res.arrayBuffer());
    const onDisk = readFileSync(join(dataDir, 'exports', e.id, 'files', 'model.safetensors'));
    expect(body.length).toBe(f.bytes);
    expect(body.equals(onDisk)).toBe(true);
    expect(await errorOf(await s.api(`/v1/hone/exports/${e.id}/files/..%2Fconsole.log`))).toMatchObject({ status: 404, error: { param: 'name' } });
    expect(await errorOf(await post(`/v1/hone/exports/${e.id}/cancel`, {}))).toMatchObject({ status: 400, error: { param: 'export_id' } });
  }, 240_000);

  it("a LoRA GGUF comes from llama.cpp's converter; a GGUF of a tokenizer it does not know fails with its reason", async () => {
    const lora = await create(ft, { format: 'lora_gguf' });
    const gguf = await create('hone-tiny-llama', { format: 'gguf' }); // queued behind the first: one at a time
    expect(gguf.status).toBe('queued');
    const done = await ended(lora.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.quantization).toBe('f16');
    const file = done.files[0]!;
    expect(file.name).toMatch(/-lora-f16\.gguf$/);
    const bytes = Buffer.from(await (await s.api(file.url)).arrayBuffer());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(bytes.length).toBe(file.bytes);

    // hone-tiny-llama's made-up BPE pre-tokenizer is not in llama.cpp's list: a failure with the converter's reason.
    const failed = await ended(gguf.id);
    expect(failed.status).toBe('failed');
    expect(failed.error!.message).toMatch(/pre-tokenizer/);
    expect(failed.files).toEqual([]);
  }, 240_000);

  it('cancel ends a running export and its process group, and a queued one at once', async () => {
    const a = await create(ft, { format: 'merged' });
    const b = await create(ft, { format: 'merged' });
    expect(b.status).toBe('queued');
    const cancelledB = (await (await post(`/v1/hone/exports/${b.id}/cancel`, {})).json()) as ExportObject;
    expect(cancelledB.status).toBe('cancelled');
    await waitFor(() => retrieve(a.id), (e) => e.status === 'running', 60_000, 'running');
    const db = new Database(join(dataDir, 'hone.db'), { readonly: true });
    const { pid } = db.prepare('SELECT pid FROM exports WHERE id = ?').get(a.id) as { pid: number };
    db.close();
    const res = await post(`/v1/hone/exports/${a.id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(((await res.json()) as ExportObject).status).toBe('cancelled');
    expect(isSameProcess(pid, null)).toBe(false);
    expect((await events(a.id)).at(-1)!.message).toBe('Export cancelled');
  }, 120_000);

  it('survives a restart: an export stopped by the shutdown runs again, one cut off by a crash is failed', async () => {
    const e = await create(ft, { format: 'merged' });
    await waitFor(() => retrieve(e.id), (x) => x.status === 'running', 60_000, 'running');
    await s.close();
    const db = new Database(join(dataDir, 'hone.db'));
    expect((db.prepare('SELECT status FROM exports WHERE id = ?').get(e.id) as { status: string }).status).toBe('queued');
    // A crash leaves a row 'running' with no process behind it.
    db.prepare(`INSERT INTO exports (id, model, base, adapter, format, name, status, created_at, started_at) VALUES ('export-crashed', ?, 'hone-tiny-llama', NULL, 'gguf', 'x', 'running', 1, 1)`).run(ft);
    db.close();
    s = await start();
    expect(await retrieve('export-crashed')).toMatchObject({ status: 'failed', error: { message: 'interrupted by a restart' } });
    const again = await ended(e.id);
    expect(again.status, JSON.stringify(again.error)).toBe('succeeded');
    expect(existsSync(join(dataDir, 'exports', e.id, 'files', 'model.safetensors'))).toBe(true);
  }, 240_000);
});
