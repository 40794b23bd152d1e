import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toFile } from 'openai';
import type { Model } from '../../electron/shared/schemas/jobs.js';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';
import { startLocalHub, type LocalHub } from './helpers/local-hub.js';

/**
 * The Models API with the real trainer: catalog extras, preparing a built-in with progress, a
 * fine-tuned model from a real job on hone-tiny-llama, a hub model downloaded from a local hub
 * (HF_ENDPOINT), and a hub that cannot be reached.
 */
let s: TestServer;
let hub: LocalHub;
const hfHome = mkdtempSync(join(tmpdir(), 'hone-hf-'));
const TINY_BYTES = 1_680_318;
const TINY_PARAMS = 407_680;

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir)) {
    const st = statSync(join(dir, f));
    n += st.isDirectory() ? dirBytes(join(dir, f)) : st.size;
  }
  return n;
}

beforeAll(async () => {
  // The hub serves the server's own tiny model once it is prepared (read on first request);
  // ~400 kB/s so a download lasts a few seconds and shows progress.
  const dataDir = mkdtempSync(join(tmpdir(), 'hone-test-'));
  hub = await startLocalHub({ 'acme/tiny-chat': join(dataDir, 'models', 'hone-tiny-llama') }, { bytesPerSecond: 400_000 });
  s = await startTestServer({}, { trainerEnv: { HF_HOME: hfHome, HF_ENDPOINT: hub.endpoint, HF_HUB_OFFLINE: '' } }, dataDir);
});
afterAll(async () => {
  await hub.close();
  await s.stop();
  rmSync(hfHome, { recursive: true, force: true });
});

const list = async () => ((await (await s.api('/v1/models')).json()) as { data: Model[] }).data;
const get = async (id: string) => (await (await s.api(`/v1/models/${encodeURIComponent(id)}`)).json()) as Model;

describe('Models API', () => {
  it('lists built-ins and aliases with size, parameters, requirements and status', async () => {
    const models = await list();
    const tiny = models.find((m) => m.id === 'hone-tiny-llama')!;
    expect(tiny).toMatchObject({ kind: 'builtin', status: 'not_prepared', size_bytes: TINY_BYTES, parameters: TINY_PARAMS, can_be_base: true, not_base_reason: null, job_id: null });
    expect(tiny.description).toMatch(/Llama/);
    expect(tiny.requirements).toMatch(/CPU/);
    const llama = models.find((m) => m.id === 'Meta-Llama-3.1-8B-Instruct')!;
    expect(llama).toMatchObject({ kind: 'hub', base_model: 'meta-llama/Llama-3.1-8B-Instruct', status: 'not_downloaded', can_be_base: true });
    expect(llama.parameters).toBeGreaterThan(8e9);
    expect(llama.requirements).toMatch(/^A GPU with about \d+(\.\d)? GB for LoRA/);
    expect(llama.requirements).toMatch(/token/);
    // The OpenAI SDK sees a plain model list.
    const sdk = await s.client.models.list();
    expect(sdk.data.map((m) => m.id)).toContain('hone-tiny-llama');
  });

  it('prepares a built-in with progress; asking again joins the same run; it ends ready', async () => {
    const first = await s.api('/v1/models/hone-tiny-llama/prepare', { method: 'POST' });
    expect(first.status).toBe(202);
    const started = (await first.json()) as Model;
    expect(started).toMatchObject({ status: 'preparing', progress: { bytes_done: 0, bytes_total: TINY_BYTES } });
    const again = await s.api('/v1/models/hone-tiny-llama/prepare', { method: 'POST' });
    expect(again.status).toBe(202);
    expect(((await again.json()) as Model).status).toBe('preparing');
    const ready = await waitFor(() => get('hone-tiny-llama'), (m) => m.status !== 'preparing', 120_000, 'tiny prepared');
    expect(ready).toMatchObject({ status: 'ready', size_bytes: TINY_BYTES, parameters: TINY_PARAMS, progress: null, error: null });
    expect(ready.path).toBe(join(s.dataDir, 'models', 'hone-tiny-llama'));
    expect(dirBytes(ready.path!)).toBe(TINY_BYTES);
    // Ready: prepare is a no-op that answers 200.
    const done = await s.api('/v1/models/hone-tiny-llama/prepare', { method: 'POST' });
    expect(done.status).toBe(200);
  }, 150_000);

  it('checks a Hugging Face id on the hub before it is downloaded, then downloads it with progress', async () => {
    const checked = await get('acme/tiny-chat');
    expect(checked).toMatchObject({ id: 'acme/tiny-chat', kind: 'hub', status: 'not_downloaded', parameters: TINY_PARAMS, can_be_base: true, path: null });
    expect(checked.size_bytes).toBe(TINY_BYTES); // what the download will fetch
    // Two path segments work too (curl users do not encode the slash).
    expect((await s.api('/v1/models/acme/tiny-chat')).status).toBe(200);

    const nope = await errorOf(await s.api('/v1/models/acme%2Fno-such-model'));
    expect(nope).toMatchObject({ status: 404, error: { param: 'model', code: 'model_not_found' } });
    expect(nope.error.message).toMatch(/does not exist on the Hugging Face hub/);

    const start = await s.api('/v1/models/acme/tiny-chat/prepare', { method: 'POST' });
    expect(start.status).toBe(202);
    expect(((await start.json()) as Model)).toMatchObject({ status: 'downloading', progress: { bytes_total: TINY_BYTES } });
    const partial: number[] = [];
    const ready = await waitFor(
      () => get('acme/tiny-chat'),
      (m) => {
        if (m.status === 'downloading' && m.progress && m.progress.bytes_done > 0 && m.progress.bytes_done < TINY_BYTES) partial.push(m.progress.bytes_done);
        return m.status !== 'downloading';
      },
      120_000,
      'hub download',
    );
    expect(ready.error ?? null).toBeNull();
    expect(ready).toMatchObject({ status: 'ready', kind: 'hub', size_bytes: TINY_BYTES, parameters: TINY_PARAMS });
    expect(ready.path!.startsWith(join(hfHome, 'hub', 'models--acme--tiny-chat', 'snapshots'))).toBe(true);
    expect(partial.length, 'a poll saw the download part-way').toBeGreaterThan(0);
    expect(hub.downloads).toContain('acme/tiny-chat');
    expect((await list()).find((m) => m.id === 'acme/tiny-chat')).toMatchObject({ status: 'ready' });
  }, 150_000);

  let ft: Model;
  it('a real job on hone-tiny-llama makes a fine-tuned model with its job, base, size and why it cannot be a base', async () => {
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 'train.jsonl'), purpose: 'fine-tune' });
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1, batch_size: 4 }, suffix: 'models' });
    const done = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status), 240_000, 'job end');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    ft = await get(done.fine_tuned_model!);
    expect(ft).toMatchObject({ kind: 'fine-tuned', job_id: job.id, base_model: 'hone-tiny-llama', created: done.finished_at, status: 'ready', can_be_base: false, parameters: TINY_PARAMS });
    expect(ft.not_base_reason).toBe('A fine-tuned model cannot be the base of a new job yet; fine-tune hone-tiny-llama with the combined data instead.');
    expect(ft.size_bytes).toBe(dirBytes(ft.path!));
    expect(ft.size_bytes).toBeGreaterThan(1000);
    expect(ft.description).toContain(job.id);
    // Nothing to prepare: answered as it is.
    expect((await s.api(`/v1/models/${encodeURIComponent(ft.id)}/prepare`, { method: 'POST' })).status).toBe(200);
  }, 300_000);

  it('a fine-tuned model a queued benchmark uses is not deleted; after the benchmark is cancelled it is', async () => {
    // A second job holds the CPU slot, so the benchmark of the first model waits in the queue.
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(40)), 'long.jsonl'), purpose: 'fine-tune' });
    const holder = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 20, batch_size: 1 } });
    await waitFor(() => s.client.fineTuning.jobs.retrieve(holder.id), (j) => j.status === 'running', 60_000, 'holder running');
    const bench = (await (await s.api('/v1/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: ft.id, suites: { needle: true, lm_eval: false } }) })).json()) as { id: string; status: string };
    expect(bench.status).toBe('queued');

    const busy = await errorOf(await s.api(`/v1/models/${encodeURIComponent(ft.id)}`, { method: 'DELETE' }));
    expect(busy).toMatchObject({ status: 409, error: { param: 'model', code: 'model_in_use' } });
    expect(busy.error.message).toContain(bench.id);

    expect((await s.api(`/v1/fine_tuning/jobs/${bench.id}/cancel`, { method: 'POST' })).status).toBe(200);
    await s.client.fineTuning.jobs.cancel(holder.id);
    const del = await s.client.models.delete(ft.id);
    expect(del.deleted).toBe(true);
    expect((await s.api(`/v1/models/${encodeURIComponent(ft.id)}`)).status).toBe(404);
    // A base model cannot be deleted.
    expect(await errorOf(await s.api('/v1/models/hone-tiny-llama', { method: 'DELETE' }))).toMatchObject({ status: 400, error: { code: 'model_not_deletable' } });
    await waitFor(() => s.client.fineTuning.jobs.retrieve(holder.id), (j) => j.status === 'cancelled', 60_000, 'holder cancelled');
  }, 180_000);

  it('a hub that cannot be reached answers a readable envelope, and a failed download stays on the model', async () => {
    await hub.close(); // HF_ENDPOINT now points at a closed port
    const e = await errorOf(await s.api('/v1/models/acme%2Fsomething-else'));
    expect(e).toMatchObject({ status: 503, error: { param: 'model', code: 'hub_unreachable', type: 'server_error' } });
    expect(e.error.message).toMatch(/^The Hugging Face hub cannot be reached from this machine/);
    expect(e.error.message).toContain(`copy the model into ${join(s.dataDir, 'models', 'acme', 'something-else')} or set HF_ENDPOINT to a mirror`);

    const p = await errorOf(await s.api('/v1/models/Qwen2.5-0.5B-Instruct/prepare', { method: 'POST' }));
    expect(p).toMatchObject({ status: 503, error: { param: 'model', code: 'hub_unreachable' } });
    const alias = await get('Qwen2.5-0.5B-Instruct');
    expect(alias).toMatchObject({ status: 'failed', kind: 'hub' });
    expect(alias.error).toMatch(/cannot be reached/);
    // Bad ids are 4xx, never 500.
    expect((await s.api('/v1/models/no-such-model')).status).toBe(404);
    expect((await s.api(`/v1/models/${'x'.repeat(2000)}`)).status).toBe(400);
  }, 60_000);
});
