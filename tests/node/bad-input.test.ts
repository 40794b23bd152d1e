import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { startTestServer, TEST_KEY, type TestServer } from './helpers/server.js';
import { multipartBody, rawRequest } from './helpers/multipart.js';

let s: TestServer;
const LIMIT = 256 * 1024;
beforeAll(async () => {
  s = await startTestServer({ maxFileBytes: LIMIT });
});
afterAll(async () => s.stop());

const auth = { authorization: `Bearer ${TEST_KEY}` };
function postFiles(parts: Parameters<typeof multipartBody>[0], headers: Record<string, string> = auth) {
  const { body, contentType } = multipartBody(parts);
  return rawRequest(`${s.url}/v1/files`, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
}
const fileCount = () => s.core.db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number };
const tmpEmpty = () => expect(readdirSync(join(s.dataDir, 'tmp'))).toEqual([]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON shape; the assertions below check it
function expectEnvelope(r: { status: number; json: any }, status: number, param?: string | null) {
  expect(r.status).toBe(status);
  expect(Object.keys(r.json)).toEqual(['error']);
  expect(Object.keys(r.json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof r.json.error.message).toBe('string');
  if (param !== undefined) expect(r.json.error.param).toBe(param);
}

describe('bad input on the Files API', () => {
  it('missing purpose → 400 param purpose, nothing stored', async () => {
    const before = fileCount().n;
    const r = await postFiles([{ name: 'file', filename: 'a.jsonl', data: Buffer.from('{}\n') }]);
    expectEnvelope(r, 400, 'purpose');
    expect(fileCount().n).toBe(before);
    tmpEmpty();
  });

  it('missing file part → 400 param file', async () => {
    expectEnvelope(await postFiles([{ name: 'purpose', value: 'fine-tune' }]), 400, 'file');
  });

  it('unknown purpose → 400 listing the allowed ones', async () => {
    const r = await postFiles([{ name: 'purpose', value: 'bogus' }, { name: 'file', filename: 'a.txt', data: Buffer.from('x') }]);
    expectEnvelope(r, 400, 'purpose');
    expect(r.json.error.message).toMatch(/fine-tune/);
    tmpEmpty();
  });

  it('empty file → 400', async () => {
    const r = await postFiles([{ name: 'purpose', value: 'fine-tune' }, { name: 'file', filename: 'a.txt', data: Buffer.alloc(0) }]);
    expectEnvelope(r, 400, 'file');
    expect(r.json.error.code).toBe('empty_file');
    tmpEmpty();
  });

  it('filename with ../ is reduced to its last part; with NUL is refused', async () => {
    const ok = await postFiles([{ name: 'purpose', value: 'user_data' }, { name: 'file', filename: '../../etc/passwd', data: Buffer.from('x') }]);
    expect(ok.status).toBe(200);
    expect(ok.json.filename).toBe('passwd');
    const win = await postFiles([{ name: 'purpose', value: 'user_data' }, { name: 'file', filename: '..\\..\\boot.ini', data: Buffer.from('x') }]);
    expect(win.json.filename).toBe('boot.ini');
    const dots = await postFiles([{ name: 'purpose', value: 'user_data' }, { name: 'file', filename: '../..', data: Buffer.from('x') }]);
    expectEnvelope(dots, 400, 'file');
    const nul = await postFiles([{ name: 'purpose', value: 'user_data' }, { name: 'file', filename: 'a\u0000.txt', data: Buffer.from('x') }]);
    expectEnvelope(nul, 400, 'file');
    expect(nul.json.error.code).toBe('invalid_filename');
    tmpEmpty();
  });

  it('bad expires_after → 400', async () => {
    const r = await postFiles([
      { name: 'purpose', value: 'batch' },
      { name: 'expires_after[anchor]', value: 'created_at' },
      { name: 'expires_after[seconds]', value: '5' },
      { name: 'file', filename: 'a.txt', data: Buffer.from('x') },
    ]);
    expectEnvelope(r, 400, 'expires_after[seconds]');
  });

  it('a file over the size limit → 413 and the partial data is removed', async () => {
    const before = fileCount().n;
    const r = await postFiles([{ name: 'purpose', value: 'fine-tune' }, { name: 'file', filename: 'big.bin', data: Buffer.alloc(LIMIT + 1, 1) }]);
    expectEnvelope(r, 413, 'file');
    expect(fileCount().n).toBe(before);
    tmpEmpty();
    // Exactly at the limit is fine.
    const atLimit = await postFiles([{ name: 'purpose', value: 'fine-tune' }, { name: 'file', filename: 'ok.bin', data: Buffer.alloc(LIMIT, 1) }]);
    expect(atLimit.status).toBe(200);
  });

  it('a client that disconnects mid-upload leaves no file and no temp data', async () => {
    const before = fileCount().n;
    const { body, contentType } = multipartBody([{ name: 'purpose', value: 'fine-tune' }, { name: 'file', filename: 'cut.bin', data: Buffer.alloc(200_000, 7) }]);
    await new Promise<void>((resolve) => {
      const sock = connect(s.port, '127.0.0.1', () => {
        sock.write(
          `POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAuthorization: Bearer ${TEST_KEY}\r\n` +
            `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
        );
        sock.write(body.subarray(0, 120_000), () => setTimeout(() => (sock.destroy(), resolve()), 100));
      });
    });
    // Give the server a moment to notice the abort and clean up.
    for (let i = 0; i < 50 && readdirSync(join(s.dataDir, 'tmp')).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    tmpEmpty();
    expect(fileCount().n).toBe(before);
    expect((await s.api('/')).status).toBe(200); // still serving
  });

  it('non-multipart body on the upload route → 400', async () => {
    const r = await rawRequest(`${s.url}/v1/files`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"purpose":"fine-tune"}' });
    expectEnvelope(r, 400);
  });
});

describe('bad input elsewhere', () => {
  it('non-JSON body on a JSON route → 400 invalid_json', async () => {
    const r = await rawRequest(`${s.url}/v1/uploads`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"filename": ' });
    expectEnvelope(r, 400);
    expect(r.json.error.code).toBe('invalid_json');
  });

  it('unknown ids → 404 with the OpenAI message', async () => {
    for (const path of ['/v1/files/file-nope', '/v1/files/file-nope/content', '/v1/uploads/upload_nope']) {
      const r = await rawRequest(`${s.url}${path}`, { headers: auth });
      expectEnvelope(r, 404);
      expect(r.json.error.message).toMatch(/No such/);
    }
    expectEnvelope(await rawRequest(`${s.url}/v1/files/file-nope`, { method: 'DELETE', headers: auth }), 404);
    await expect(s.client.files.retrieve('fine-tune-upload_4-Depth-aware.jsonl')).rejects.toMatchObject({ status: 404 });
    expectEnvelope(await rawRequest(`${s.url}/v1/nothing-here`, { headers: auth }), 404);
  });

  it('missing or wrong key → 401 (SDK raises AuthenticationError)', async () => {
    expectEnvelope(await rawRequest(`${s.url}/v1/files`, {}), 401);
    const wrong = await rawRequest(`${s.url}/v1/files`, { headers: { authorization: 'Bearer nope' } });
    expectEnvelope(wrong, 401);
    expect(wrong.json.error.code).toBe('invalid_api_key');
    const azure = await rawRequest(`${s.url}/v1/files`, { headers: { 'api-key': TEST_KEY } });
    expect(azure.status).toBe(200);
    const bad = new OpenAI({ apiKey: 'wrong', baseURL: `${s.url}/v1`, maxRetries: 0 });
    await expect(bad.files.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('a foreign Host header (DNS rebinding) or Origin is refused before auth', async () => {
    const rebind = await rawRequest(`${s.url}/v1/files`, { headers: { ...auth, host: `evil.example:${s.port}` } });
    expectEnvelope(rebind, 403);
    expect(rebind.json.error.code).toBe('host_not_allowed');
    const health = await rawRequest(`${s.url}/`, { headers: { host: 'attacker.test' } });
    expect(health.status).toBe(403);
    const cross = await rawRequest(`${s.url}/v1/files`, { headers: { ...auth, origin: 'https://evil.example' } });
    expectEnvelope(cross, 403);
    expect(cross.headers['access-control-allow-origin']).toBeUndefined();
    const nullOrigin = await rawRequest(`${s.url}/v1/files`, { headers: { ...auth, origin: 'null' } });
    expect(nullOrigin.status).toBe(403);
    const same = await rawRequest(`${s.url}/v1/files`, { headers: { ...auth, origin: s.url } });
    expect(same.status).toBe(200);
    const localhost = await rawRequest(`${s.url}/v1/files`, { headers: { ...auth, host: `localhost:${s.port}` } });
    expect(localhost.status).toBe(200);
  });

  it('POST with an empty JSON body works where no body is needed', async () => {
    const up = await s.client.uploads.create({ bytes: 3, filename: 'x', mime_type: 'text/plain', purpose: 'batch' });
    const r = await rawRequest(`${s.url}/v1/uploads/${up.id}/cancel`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '' });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('cancelled');
    const noType = await s.client.uploads.create({ bytes: 3, filename: 'x', mime_type: 'text/plain', purpose: 'batch' });
    expect((await rawRequest(`${s.url}/v1/uploads/${noType.id}/cancel`, { method: 'POST', headers: auth })).status).toBe(200);
  });

  it('a part over 64 MB → 413 and nothing kept', async () => {
    const up = await s.client.uploads.create({ bytes: 65 * 1024 * 1024, filename: 'x', mime_type: 'text/plain', purpose: 'batch' });
    const big = Buffer.alloc(64 * 1024 * 1024 + 1, 1);
    await expect(s.client.uploads.parts.create(up.id, { data: await toFile(big, 'blob') })).rejects.toMatchObject({ status: 413 });
    tmpEmpty();
    expect(readdirSync(join(s.dataDir, 'uploads'))).not.toContain(up.id);
    const missing = multipartBody([{ name: 'other', value: 'x' }]);
    const r = await rawRequest(`${s.url}/v1/uploads/${up.id}/parts`, { method: 'POST', headers: { ...auth, 'content-type': missing.contentType }, body: missing.body });
    expectEnvelope(r, 400, 'data');
  });
});
