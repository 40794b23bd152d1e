import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';
import type { JobEstimate } from '../../electron/shared/schemas/estimate.js';
import type { FineTuningJob } from '../../electron/shared/schemas/jobs.js';

/**
 * `POST /v1/hone/estimate` against a real server and the real trainer (hone-tiny-llama on the
 * CPU): the estimate is what the job then reports; bad bodies get create's envelopes; a failing
 * job never shows an error while it still reads 'running'.
 */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { trainerEnv: { HF_HUB_OFFLINE: '1' } });
});
afterAll(async () => s.stop());

async function upload(text: string, name = 'train.jsonl') {
  return s.client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'fine-tune' });
}

const post = (path: string, body: unknown) =>
  s.api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function estimate(body: unknown): Promise<{ est: JobEstimate; ms: number }> {
  const t0 = performance.now();
  const res = await post('/v1/hone/estimate', body);
  const ms = performance.now() - t0;
  const json = (await res.json()) as JobEstimate;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return { est: json, ms };
}

/** 12 short examples, one whose assistant turn runs past max_seq_length (truncated, kept) and one whose user turn does (nothing left to train: skipped). */
function dataset(): string {
  const long = 'and so on '.repeat(40);
  const extra = [
    { messages: [{ role: 'user', content: 'Say something long.' }, { role: 'assistant', content: `Here it is: ${long}` }] },
    { messages: [{ role: 'user', content: `Read this: ${long}` }, { role: 'assistant', content: 'Done.' }] },
  ];
  return chatJsonl(12) + extra.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

describe('POST /v1/hone/estimate', () => {
  it("is what the job then reports (steps, resolved hyperparameters, trained tokens), cached, and measured once a job ran", async () => {
    const file = await upload(dataset());
    const body = { model: 'hone-tiny-llama', training_file: file.id, hyperparameters: { n_epochs: 2, batch_size: 4, max_seq_length: 64 }, seed: 7, hone: { gpus: 0 } };

    const first = await estimate(body);
    const est = first.est;
    expect(est).toMatchObject({ object: 'fine_tuning.job.estimate', model: 'hone-tiny-llama', method: 'supervised', n_examples: 13, n_validation_examples: null, truncated_examples: 2 });
    expect(est.hyperparameters).toMatchObject({ n_epochs: 2, batch_size: 4, max_seq_length: 64, learning_rate_multiplier: 1, learning_rate: 2e-4, lora_r: 16, qlora: false, seed: 7 });
    expect(est.total_steps).toBe(8); // ceil(13 / 4) × 2
    expect(est.trained_tokens).toBeGreaterThan(0);
    expect(est.warnings.join(' ')).toMatch(/2 of 14 training examples are longer than max_seq_length=64/);
    expect(est.device).toMatchObject({ kind: 'cpu', gpus_requested: 0, world_size: 1 });
    expect(est.memory.fits).toBe(true);
    expect(est.memory.required_mib).toBeGreaterThan(0);
    expect(est.memory.available_mib).toBeGreaterThan(est.memory.required_mib!);
    expect(est.memory.trainable_parameters).toBeLessThan(est.memory.parameters!); // a LoRA adapter
    expect(est.memory.reason).toMatch(/RAM/);
    expect(est.time).toEqual({ seconds: null, tokens_per_second: null, basis: 'none', measured_job_id: null });

    // The wizard asks on every change: the same body again is answered from the cache.
    const again = await estimate(body);
    const third = await estimate(body);
    expect(again.est).toEqual(est);
    expect(Math.min(again.ms, third.ms)).toBeLessThan(1_000);
    expect(Math.min(again.ms, third.ms)).toBeLessThan(first.ms / 3);
    // Another epoch count: the dataset is not read again, the trainer resolves the rest.
    const three = await estimate({ ...body, hyperparameters: { ...body.hyperparameters, n_epochs: 3 } });
    expect(three.est.total_steps).toBe(12);
    expect(three.est.trained_tokens).toBe((est.trained_tokens / 2) * 3);

    const created = await post('/v1/fine_tuning/jobs', body);
    const job = (await created.json()) as FineTuningJob;
    expect(created.status, JSON.stringify(job)).toBe(200);
    const done = await waitFor(async () => (await (await s.api(`/v1/fine_tuning/jobs/${job.id}`)).json()) as FineTuningJob, (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status), 240_000, 'job end');
    const console_ = readFileSync(join(s.dataDir, 'jobs', job.id, 'console.log'), 'utf8');
    expect(done.status, `${JSON.stringify(done.error)}\n${console_.slice(-2000)}`).toBe('succeeded');
    expect(done.hone.total_steps).toBe(est.total_steps);
    expect(done.hone.step).toBe(est.total_steps);
    expect(done.trained_tokens).toBe(est.trained_tokens);
    expect(done.hone.hyperparameters).toEqual(est.hyperparameters);
    expect(done.hyperparameters).toMatchObject({ n_epochs: est.hyperparameters.n_epochs, batch_size: est.hyperparameters.batch_size, learning_rate_multiplier: est.hyperparameters.learning_rate_multiplier });

    // Now there is a measured throughput for this model on this machine's CPU.
    const after = (await estimate({ ...body, seed: 8 })).est;
    expect(after.total_steps).toBe(est.total_steps);
    expect(after.time.basis).toBe('measured');
    expect(after.time.measured_job_id).toBe(job.id);
    expect(after.time.tokens_per_second).toBeGreaterThan(0);
    expect(after.time.seconds).toBeGreaterThan(0);
    expect(after.time.seconds).toBeLessThanOrEqual(done.finished_at! - done.hone.started_at! + 1); // the same job: its own wall time
  }, 360_000);

  it('answers bad bodies with the envelopes of create, naming the field', async () => {
    const good = await upload(chatJsonl(12));
    const other = await s.client.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'user_data' });
    const prefs = await upload(
      Array.from({ length: 10 }, (_, i) =>
        JSON.stringify({ input: { messages: [{ role: 'user', content: `Q${i}?` }] }, preferred_output: [{ role: 'assistant', content: 'Yes.' }], non_preferred_output: [{ role: 'assistant', content: 'No.' }] }),
      ).join('\n') + '\n',
      'prefs.jsonl',
    );
    const base = { model: 'hone-tiny-llama', training_file: good.id, hone: { gpus: 0 } };
    const cases: Array<[unknown, string | null, string | null]> = [
      [{ ...base, training_file: 'file-nope' }, 'training_file', 'invalid_file'],
      [{ ...base, training_file: other.id }, 'training_file', 'invalid_file_purpose'],
      [{ ...base, validation_file: 'file-nope' }, 'validation_file', 'invalid_file'],
      [{ ...base, model: 'gpt-17-ultra' }, 'model', 'model_not_found'],
      // A hub id Hone can know is unknown: not in the HF cache and downloads are off.
      [{ ...base, model: 'nobody-hone-test/no-such-model' }, 'model', 'model_not_found'],
      [{ ...base, model: '/nonexistent/model/dir' }, 'model', 'model_not_found'],
      [{ ...base, hone: { gpus: 1 } }, 'hone.gpus', null],
      [{ ...base, hyperparameters: { beta: 0.2 } }, 'hyperparameters.beta', null],
      [{ ...base, hyperparameters: { n_epochs: 0 } }, 'hyperparameters.n_epochs', 'invalid_request'],
    ];
    for (const [body, param, code] of cases) {
      for (const path of ['/v1/hone/estimate', '/v1/fine_tuning/jobs']) {
        const { status, error } = await errorOf(await post(path, body));
        expect({ path, body, status, param: error.param }).toEqual({ path, body, status: 400, param });
        if (code) expect(error.code).toBe(code);
        expect(error.type).toBe('invalid_request_error');
      }
    }
    // The trainer's own reading of the file: preference lines are not a supervised dataset.
    const { status, error } = await errorOf(await post('/v1/hone/estimate', { ...base, training_file: prefs.id }));
    expect({ status, param: error.param, code: error.code }).toEqual({ status: 400, param: 'training_file', code: 'invalid_training_file' });
    expect(error.message).toMatch(/use method 'dpo'/);
    // …and the same file as DPO is fine: the trainer's resolution includes beta.
    const dpo = (await estimate({ ...base, training_file: prefs.id, method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2, batch_size: 5 } } } })).est;
    expect(dpo).toMatchObject({ method: 'dpo', n_examples: 10, hyperparameters: { beta: 0.2, batch_size: 5, n_epochs: 10 } }); // auto epochs: 100 // 10
    expect(dpo.total_steps).toBe(20);
  }, 120_000);

  it('create refuses a model the trainer could not get, and only then', async () => {
    const catalog = s.core.catalog;
    const home = mkdtempSync(join(tmpdir(), 'hone-hf-'));
    // A hub model as huggingface_hub lays it out in its cache.
    const snapshot = join(home, 'hub', 'models--hone-test--cached', 'snapshots', 'abc123');
    mkdirSync(join(home, 'hub', 'models--hone-test--cached', 'refs'), { recursive: true });
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(home, 'hub', 'models--hone-test--cached', 'refs', 'main'), 'abc123');
    writeFileSync(join(snapshot, 'config.json'), '{}');
    const offline = { HF_HOME: home, HF_HUB_OFFLINE: '1' };
    // Config and tokenizer only (what an estimate fetches): an offline run could not train it.
    expect(await catalog.rejectReason('hone-test/cached', offline)).toMatch(/not in the local Hugging Face cache.*HF_HUB_OFFLINE/);
    writeFileSync(join(snapshot, 'model.safetensors'), '');
    expect(await catalog.rejectReason('hone-test/cached', offline)).toBeNull();
    expect(await catalog.rejectReason('hone-test/elsewhere', offline)).toMatch(/HF_HUB_OFFLINE/);
    // A copy in the models dir is what the trainer uses first.
    mkdirSync(join(s.core.dirs.modelsDir, 'hone-test', 'copied'), { recursive: true });
    writeFileSync(join(s.core.dirs.modelsDir, 'hone-test', 'copied', 'config.json'), '{}');
    expect(await catalog.rejectReason('hone-test/copied', offline)).toBeNull();
    // The seed's names are known models (fetched on first use), offline too.
    expect(await catalog.rejectReason('Meta-Llama-3.1-8B-Instruct', offline)).toBeNull();
    // Online, but nothing answers at the hub's address.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    expect(await catalog.rejectReason('hone-test/elsewhere', { HF_HOME: home, HF_ENDPOINT: `http://127.0.0.1:${port}` })).toMatch(/hub cannot be reached/);
    rmSync(home, { recursive: true, force: true });
  });

  it("a failing job's status and error change together: never 'running' with an error", async () => {
    // Every write to a job row where error and status 'failed' disagree is recorded (same connection as the server).
    s.core.db.exec(`CREATE TEMP TABLE mismatch (id TEXT, status TEXT, error TEXT);
      CREATE TEMP TRIGGER job_error_status AFTER UPDATE OF status, error ON main.jobs
      WHEN json_extract(NEW.method, '$.type') != 'benchmark' AND ((NEW.error IS NOT NULL) != (NEW.status = 'failed'))
      BEGIN INSERT INTO mismatch VALUES (NEW.id, NEW.status, NEW.error); END;`);
    // A model dir the catalog accepts (it has a config.json) but the trainer cannot load: it reports an error event, then exits.
    const dir = join(s.dataDir, 'broken-model');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), '{}');
    const file = await upload(chatJsonl(12));
    const created = await post('/v1/fine_tuning/jobs', { model: dir, training_file: file.id, hone: { gpus: 0 } });
    const job = (await created.json()) as FineTuningJob;
    expect(created.status, JSON.stringify(job)).toBe(200);
    const seen: Array<{ status: string; error: unknown }> = [];
    const failed = await waitFor(
      async () => {
        const j = (await (await s.api(`/v1/fine_tuning/jobs/${job.id}`)).json()) as FineTuningJob;
        seen.push({ status: j.status, error: j.error });
        return j;
      },
      (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status),
      120_000,
      'job failure',
    );
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'internal_error' });
    expect(failed.error!.message.length).toBeGreaterThan(0);
    expect(seen.some((p) => p.status === 'running')).toBe(true);
    expect(seen.filter((p) => p.status !== 'failed' && p.error !== null)).toEqual([]);
    expect(s.core.db.prepare('SELECT * FROM temp.mismatch').all()).toEqual([]);
    const events = (await (await s.api(`/v1/fine_tuning/jobs/${job.id}/events?limit=5`)).json()) as { data: Array<{ message: string }> };
    expect(events.data[0]!.message).toMatch(/^Fine-tuning job failed: /);
  }, 180_000);
});
