import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { toFile } from 'openai';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s.stop());

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

describe('Files API with the official openai SDK', () => {
  it('creates, retrieves, downloads and deletes a file', async () => {
    const content = Buffer.from('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n');
    const created = await s.client.files.create({ file: await toFile(content, 'demo.jsonl'), purpose: 'fine-tune' });
    expect(created).toMatchObject({ object: 'file', bytes: content.length, filename: 'demo.jsonl', purpose: 'fine-tune' });
    expect(created.id).toBe('fine-tune-upload1-demo'); // the seed's id scheme
    expect(Number.isInteger(created.created_at)).toBe(true);
    expect((created as unknown as { checksum: string }).checksum).toBe(md5(content));
    expect(['uploaded', 'processed', 'error']).toContain(created.status);

    const got = await s.client.files.retrieve(created.id);
    expect(got.id).toBe(created.id);

    const body = Buffer.from(await (await s.client.files.content(created.id)).arrayBuffer());
    expect(body.equals(content)).toBe(true);

    const del = await s.client.files.delete(created.id);
    expect(del).toEqual({ id: created.id, object: 'file', deleted: true });
    await expect(s.client.files.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    expect(readdirSync(join(s.dataDir, 'files'))).not.toContain(created.id);
  });

  it('auto-paginates every file exactly once, newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const f = await s.client.files.create({ file: await toFile(Buffer.from(`file ${i}\n`), `f${i}.txt`), purpose: 'user_data' });
      ids.push(f.id);
    }
    const seen: string[] = [];
    for await (const f of s.client.files.list({ limit: 5, purpose: 'user_data' })) seen.push(f.id);
    expect(seen).toEqual([...ids].reverse());

    const page = await s.client.files.list({ limit: 4, order: 'asc', purpose: 'user_data' });
    expect(page.data.map((f) => f.id)).toEqual(ids.slice(0, 4));
    expect(page.has_more).toBe(true);
    const raw = (await (await s.api('/v1/files?limit=2&purpose=user_data')).json()) as { first_id: string; last_id: string };
    expect(raw.first_id).toBe(ids[22]);
    expect(raw.last_id).toBe(ids[21]);
  });

  it('honours expires_after and hides expired files', async () => {
    const f = await s.client.files.create({
      file: await toFile(Buffer.from('x\n'), 'exp.txt'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    expect(f.expires_at).toBe(f.created_at + 3600);
    // Age the file past its expiry: it is no longer visible and the sweeper removes its content.
    s.core.db.prepare('UPDATE files SET expires_at = ? WHERE id = ?').run(Math.floor(Date.now() / 1000) - 1, f.id);
    await expect(s.client.files.retrieve(f.id)).rejects.toMatchObject({ status: 404 });
    expect(await s.core.files.sweepExpired()).toBe(1);
    expect(readdirSync(join(s.dataDir, 'files'))).not.toContain(f.id);
  });

  it('sends x-request-id and serves the seed health check with or without a key', async () => {
    const res = await fetch(`${s.url}/`);
    expect(await res.json()).toEqual({ 'Hone Server': 'online' });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const authed = await s.api('/');
    expect(authed.status).toBe(200);
    expect((await s.api('/v1/files')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('publishes an OpenAPI document generated from the schemas', async () => {
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/v1/files', '/v1/files/{file_id}', '/v1/files/{file_id}/content', '/v1/uploads', '/v1/uploads/{upload_id}/parts', '/v1/uploads/{upload_id}/complete']) {
      expect(doc.paths).toHaveProperty([p]);
    }
  });
});
