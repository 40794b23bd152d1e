import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import type { ValidationRun } from '../../electron/shared/schemas/validation.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s.stop());

const chat = (u: string) => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: `reply to ${u}` }] });
const json = { 'content-type': 'application/json' };

async function upload(content: Buffer, name: string): Promise<string> {
  return (await s.client.files.create({ file: await toFile(content, name), purpose: 'fine-tune' })).id;
}
async function start(fileId: string, body?: unknown): Promise<Response> {
  return s.api(`/v1/files/${fileId}/validations`, body === undefined ? { method: 'POST' } : { method: 'POST', headers: json, body: JSON.stringify(body) });
}
async function get(id: string): Promise<ValidationRun> {
  return (await (await s.api(`/v1/validations/${id}`)).json()) as ValidationRun;
}
async function until(id: string, ok: (r: ValidationRun) => boolean, ms = 120_000): Promise<ValidationRun> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await get(id);
    if (ok(r)) return r;
    if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify({ ...r, report: null })}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

describe('background validation runs', () => {
  it('runs, finishes with the report and stores it as the latest report', async () => {
    const id = await upload(Buffer.from(Array.from({ length: 12 }, (_, i) => chat(`q${i}`)).join('\n') + '\n'), 'small.jsonl');
    const res = await start(id); // body-less POST, as SDKs send it
    expect(res.status).toBe(202);
    const run = (await res.json()) as ValidationRun;
    expect(run).toMatchObject({ object: 'dataset.validation_run', file_id: id, model: null, bytes_done: 0 });
    const done = await until(run.id, (r) => r.finished_at !== null);
    expect(done.status).toBe('succeeded');
    expect(done.bytes_done).toBe(done.bytes_total);
    expect(done.report!.errors).toEqual(['No errors found']);
    const latest = (await (await s.api(`/v1/files/${id}/validation`)).json()) as { validated_at: number; stats: unknown };
    expect(latest.validated_at).toBe(done.report!.validated_at);
    expect(latest.stats).toEqual(done.report!.stats);
  });

  it('prepares a built-in model, reports progress in bytes while tokenising, and cancels', async () => {
    const line = chat('x '.repeat(300));
    const big = Buffer.from(`${line}\n`.repeat(Math.ceil((24 << 20) / (line.length + 1))));
    const id = await upload(big, 'tokenised.jsonl');
    const run = (await (await start(id, { model: 'hone-tiny-llama' })).json()) as ValidationRun;
    expect(run.status).toBe('preparing_model');
    const seen = new Set<number>();
    const running = await until(run.id, (r) => {
      if (r.status === 'running' && r.bytes_done > 0) seen.add(r.bytes_done);
      return seen.size >= 2 || r.finished_at !== null;
    }, 150_000);
    expect(running.status).toBe('running');
    expect(Math.max(...seen)).toBeLessThan(big.length);
    const cancelled = (await (await s.api(`/v1/validations/${run.id}/cancel`, { method: 'POST' })).json()) as ValidationRun;
    expect(cancelled.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 300));
    expect((await get(run.id)).status).toBe('cancelled');

    const second = (await (await start(id, { format: 'chat' })).json()) as ValidationRun;
    const list = (await (await s.api(`/v1/files/${id}/validations`)).json()) as { data: ValidationRun[] };
    expect(list.data.map((r) => r.id)).toEqual([second.id, run.id]);
    await s.api(`/v1/validations/${second.id}/cancel`, { method: 'POST' });
  }, 200_000);

  it('404s and 400s with the envelope', async () => {
    const id = await upload(Buffer.from(chat('a') + '\n'), 'one.jsonl');
    expect(await errorOf(await start('nope'))).toMatchObject({ status: 404, error: { param: 'file_id' } });
    expect(await errorOf(await start(id, { model: 'no-such-model' }))).toMatchObject({ status: 404, error: { param: 'model' } });
    expect(await errorOf(await start(id, { format: 'poetry' }))).toMatchObject({ status: 400, error: { param: 'format' } });
    expect(await errorOf(await s.api('/v1/validations/valrun_nope'))).toMatchObject({ status: 404, error: { param: 'validation_id' } });
    expect(await errorOf(await s.api('/v1/validations/valrun_nope/cancel', { method: 'POST' }))).toMatchObject({ status: 404 });
  });
});
