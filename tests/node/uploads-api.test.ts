import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { toFile } from 'openai';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s.stop());

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function newUpload(bytes: number, filename = 'big.jsonl') {
  return s.client.uploads.create({ bytes, filename, mime_type: 'application/jsonl', purpose: 'fine-tune' });
}

describe('Uploads API', () => {
  it('assembles parts sent in parallel and out of order, in part_ids order', async () => {
    const chunks = [randomBytes(300_000), randomBytes(200_000), randomBytes(123_457)];
    const whole = Buffer.concat(chunks);
    const up = await newUpload(whole.length);
    expect(up).toMatchObject({ object: 'upload', status: 'pending', bytes: whole.length, file: null });
    expect(up.expires_at - up.created_at).toBe(3600);
    // Send the last part first, all at once.
    const parts = await Promise.all(
      [2, 0, 1].map(async (i) => ({ i, part: await s.client.uploads.parts.create(up.id, { data: await toFile(chunks[i]!, 'blob') }) })),
    );
    const ordered = parts.sort((a, b) => a.i - b.i).map((p) => p.part.id);
    const done = await s.client.uploads.complete(up.id, { part_ids: ordered, md5: md5(whole) });
    expect(done.status).toBe('completed');
    expect(done.file).toMatchObject({ object: 'file', bytes: whole.length, filename: 'big.jsonl', purpose: 'fine-tune' });
    const body = Buffer.from(await (await s.client.files.content(done.file!.id)).arrayBuffer());
    expect(md5(body)).toBe(md5(whole));
    expect(readdirSync(join(s.dataDir, 'uploads'))).not.toContain(up.id); // parts cleaned up
  });

  it('rejects a wrong byte total and a wrong md5, keeping the upload pending', async () => {
    const data = randomBytes(1000);
    const up = await newUpload(1001);
    const p = await s.client.uploads.parts.create(up.id, { data: await toFile(data, 'blob') });
    await expect(s.client.uploads.complete(up.id, { part_ids: [p.id] })).rejects.toMatchObject({ status: 400, code: 'bytes_mismatch' });

    const up2 = await newUpload(1000);
    const p2 = await s.client.uploads.parts.create(up2.id, { data: await toFile(data, 'blob') });
    await expect(s.client.uploads.complete(up2.id, { part_ids: [p2.id], md5: '0'.repeat(32) })).rejects.toMatchObject({
      status: 400,
      code: 'checksum_mismatch',
    });
    const again = await s.client.uploads.complete(up2.id, { part_ids: [p2.id], md5: md5(data) });
    expect(again.status).toBe('completed');
    expect(readdirSync(join(s.dataDir, 'tmp'))).toEqual([]);
  });

  it('refuses parts after complete or cancel, and unknown parts', async () => {
    const data = randomBytes(10);
    const up = await newUpload(10);
    const p = await s.client.uploads.parts.create(up.id, { data: await toFile(data, 'blob') });
    await expect(s.client.uploads.complete(up.id, { part_ids: ['part_nope'] })).rejects.toMatchObject({ status: 400, param: 'part_ids[0]' });
    await s.client.uploads.complete(up.id, { part_ids: [p.id] });
    await expect(s.client.uploads.parts.create(up.id, { data: await toFile(data, 'blob') })).rejects.toMatchObject({ status: 400, code: 'upload_completed' });
    await expect(s.client.uploads.cancel(up.id)).rejects.toMatchObject({ status: 400 });

    const up2 = await newUpload(10);
    await s.client.uploads.parts.create(up2.id, { data: await toFile(data, 'blob') });
    const cancelled = await s.client.uploads.cancel(up2.id);
    expect(cancelled.status).toBe('cancelled');
    expect(readdirSync(join(s.dataDir, 'uploads'))).not.toContain(up2.id);
    await expect(s.client.uploads.parts.create(up2.id, { data: await toFile(data, 'blob') })).rejects.toMatchObject({ status: 400, code: 'upload_cancelled' });
    await expect(s.client.uploads.complete(up2.id, { part_ids: ['x'] })).rejects.toMatchObject({ status: 400 });
  });

  it('expires uploads after an hour and removes their parts', async () => {
    const up = await newUpload(20);
    await s.client.uploads.parts.create(up.id, { data: await toFile(randomBytes(20), 'blob') });
    expect(readdirSync(join(s.dataDir, 'uploads'))).toContain(up.id);
    s.core.db.prepare('UPDATE uploads SET expires_at = ? WHERE id = ?').run(Math.floor(Date.now() / 1000) - 1, up.id);
    await expect(s.client.uploads.parts.create(up.id, { data: await toFile(randomBytes(1), 'blob') })).rejects.toMatchObject({ status: 400, code: 'upload_expired' });
    expect(await s.core.uploads.sweepExpired()).toBe(1);
    expect(readdirSync(join(s.dataDir, 'uploads'))).not.toContain(up.id);
    const res = await s.api(`/v1/uploads/${up.id}`);
    expect(((await res.json()) as { status: string }).status).toBe('expired');
  });

  it('validates the create body', async () => {
    const res = await s.api('/v1/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filename: 'a', purpose: 'fine-tune', bytes: 9 * 1024 ** 3, mime_type: 'text/plain' }),
    });
    const e = await errorOf(res);
    expect(e.status).toBe(400);
    expect(e.error.param).toBe('bytes');
    expect(e.error.type).toBe('invalid_request_error');
  });
});
