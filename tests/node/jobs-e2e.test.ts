import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';
import { sessionMembers } from '../../electron/core/runner/process-tree.js';

/** Real fine-tuning jobs on the CPU with hone-tiny-llama, driven through the official SDK. */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { trainerEnv: { HF_HUB_OFFLINE: '1' }, stopGraceMs: 20_000, killGraceMs: 3_000 });
});
afterAll(async () => s.stop());

async function upload(text: string, name = 'train.jsonl') {
  return s.client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'fine-tune' });
}

describe('fine-tuning jobs end to end (CPU, hone-tiny-llama)', () => {
  it('a job trains for real and succeeds with a result file, checkpoints and a listed model', async () => {
    const file = await upload(chatJsonl(12));
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 3, batch_size: 4 }, suffix: 'e2e' });
    expect(job).toMatchObject({ object: 'fine_tuning.job', model: 'hone-tiny-llama', training_file: file.id });
    expect(['validating_files', 'queued', 'running']).toContain(job.status);
    expect(Number.isInteger(job.seed)).toBe(true);

    const done = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status), 240_000, 'job end');
    const console_ = readFileSync(join(s.dataDir, 'jobs', job.id, 'console.log'), 'utf8');
    expect(done.status, `${JSON.stringify(done.error)}\n${console_.slice(-3000)}`).toBe('succeeded');
    expect(done.fine_tuned_model).toBe(`ft:hone-tiny-llama:hone:e2e:${job.id}`);
    expect(done.trained_tokens).toBeGreaterThan(0);
    expect(done.hyperparameters.n_epochs).toBe(3);
    expect(done.result_files).toHaveLength(1);

    // The result file: OpenAI's columns, and the loss falls.
    const csv = await (await s.client.files.content(done.result_files[0]!)).text();
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(header).toBe('step,train_loss,train_mean_token_accuracy,valid_loss,valid_mean_token_accuracy');
    const losses = rows.map((r) => Number(r.split(',')[1])).filter((x) => Number.isFinite(x));
    expect(losses.length).toBeGreaterThan(2);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);

    const events = [];
    for await (const e of s.client.fineTuning.jobs.listEvents(job.id, { limit: 7 })) events.push(e);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events[0]!.message).toBe('The job has successfully completed');
    expect(events.some((e) => e.type === 'metrics' && typeof (e.data as { train_loss?: number }).train_loss === 'number')).toBe(true);
    expect(events.at(-1)!.message).toMatch(/^Created fine-tuning job/);

    const ckpts = await s.client.fineTuning.jobs.checkpoints.list(job.id);
    expect(ckpts.data.length).toBeGreaterThan(0);
    expect(ckpts.data[0]!.fine_tuned_model_checkpoint).toMatch(/:ckpt-step-\d+$/);

    const models = await s.client.models.list();
    expect(models.data.map((m) => m.id)).toContain(done.fine_tuned_model);
    expect(models.data.map((m) => m.id)).toContain('hone-tiny-llama');
    const m = await s.client.models.retrieve(done.fine_tuned_model!);
    expect(m.owned_by).toBe('hone');

    // Listing: newest first, the SDK paginates through the jobs.
    const listed = await s.client.fineTuning.jobs.list({ limit: 10 });
    expect(listed.data[0]!.id).toBe(job.id);
    await expect(s.client.fineTuning.jobs.cancel(job.id)).rejects.toMatchObject({ status: 400 });

    // Deleting the fine-tuned model removes its weights.
    const del = await s.client.models.delete(done.fine_tuned_model!);
    expect(del.deleted).toBe(true);
    expect(existsSync(join(s.dataDir, 'jobs', job.id, 'output', 'adapter'))).toBe(false);
    await expect(s.client.models.retrieve(done.fine_tuned_model!)).rejects.toMatchObject({ status: 404 });
  }, 300_000);

  it('bad inputs answer 4xx envelopes', async () => {
    const good = await upload(chatJsonl(12));
    const other = await s.client.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'user_data' });
    await expect(s.client.fineTuning.jobs.create({ training_file: 'file-nope', model: 'hone-tiny-llama' })).rejects.toMatchObject({ status: 400, param: 'training_file' });
    await expect(s.client.fineTuning.jobs.create({ training_file: other.id, model: 'hone-tiny-llama' })).rejects.toMatchObject({ status: 400, code: 'invalid_file_purpose' });
    await expect(s.client.fineTuning.jobs.create({ training_file: good.id, model: 'gpt-17-ultra' })).rejects.toMatchObject({ status: 400, param: 'model' });
    await expect(s.client.fineTuning.jobs.create({ training_file: good.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 0 } })).rejects.toMatchObject({ status: 400 });
    await expect(s.client.fineTuning.jobs.create({ training_file: good.id, model: 'hone-tiny-llama', hyperparameters: { batch_size: 'big' as unknown as number } })).rejects.toMatchObject({ status: 400 });
    await expect(s.client.fineTuning.jobs.retrieve('ftjob-nope')).rejects.toMatchObject({ status: 404 });

    // An invalid dataset fails the job with a readable error naming the line.
    const bad = await upload(chatJsonl(11) + '{"messages": [{"role": "user"}]\n');
    const job = await s.client.fineTuning.jobs.create({ training_file: bad.id, model: 'hone-tiny-llama' });
    const failed = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => j.status === 'failed', 30_000, 'validation failure');
    expect(failed.error).toMatchObject({ code: 'invalid_training_file', param: 'training_file' });
    expect(failed.error!.message).toMatch(/line 12/);
    await expect(s.client.fineTuning.jobs.cancel(job.id)).rejects.toMatchObject({ status: 400 });
  }, 60_000);

  it('cancel during training ends every process of the job within 30 s', async () => {
    const file = await upload(chatJsonl(40));
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 50, batch_size: 1 } });
    const running = await waitFor(
      () => s.client.fineTuning.jobs.listEvents(job.id, { limit: 50 }),
      (p) => p.data.some((e) => e.type === 'metrics'),
      180_000,
      'first training step',
    );
    expect(running.data.length).toBeGreaterThan(0);
    const pid = s.core.db.prepare('SELECT pid FROM jobs WHERE id = ?').get(job.id) as { pid: number };
    expect(pid.pid).toBeGreaterThan(0);
    const t0 = Date.now();
    const cancelled = await s.client.fineTuning.jobs.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    await waitFor(async () => sessionMembers(pid.pid).length, (n) => n === 0, 30_000, 'trainer processes to end');
    expect(Date.now() - t0).toBeLessThan(30_000);
    const after = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => j.finished_at !== null, 10_000, 'finished_at');
    expect(after.status).toBe('cancelled');
  }, 300_000);
});
