/**
 * `/v1/hone/environment` on a real server: auth, the envelope for a bad wheelhouse (param) and a busy
 * manager, cancel, the hardware answer from the real installer, the live stream's `environment`
 * event, the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../core.js';
import { buildApp } from '../server/app.js';
import type { App } from '../server/types.js';
import { appVenvDir, venvPython } from '../python/locate.js';
import { defaultCandidates } from './base-python.js';

const KEY = 'environment-test-key-0123456789';
let app: App;
let core: Core;
let url: string;
let dataDir: string;
const auth = { authorization: `Bearer ${KEY}` };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hone-envroutes-'));
  // A base Python that takes 3 s to answer: a run stays in its first step long enough to be busy.
  const slow = join(dataDir, 'slow-python');
  writeFileSync(slow, '#!/bin/sh\nsleep 3\nexec /usr/bin/python3 "$@"\n');
  chmodSync(slow, 0o755);
  const venvDir = appVenvDir(join(dataDir, 'data'));
  core = await createCore({
    dataDir: join(dataDir, 'data'),
    environment: { located: { profile: 'app', python: venvPython(venvDir), venvDir }, candidates: () => [{ cmd: [slow], source: 'test' }] },
  });
  app = await buildApp(core, { security: { bindHost: '127.0.0.1', apiKey: KEY } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await app?.close();
  await core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path: string, body?: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

describe('environment routes', () => {
  it('401 without the key, on every route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/hone/environment'],
      ['POST', '/v1/hone/environment/runs'],
      ['POST', '/v1/hone/environment/runs/current/cancel'],
      ['GET', '/v1/hone/environment/hardware'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method });
      expect(res.status, path).toBe(401);
      expect((await res.json()) as object).toMatchObject({ error: { type: 'authentication_error' } });
    }
  });

  it('GET: not installed, with what can be done', async () => {
    const res = await fetch(`${url}/v1/hone/environment`, { headers: auth });
    const s = (await res.json()) as { status: string; profile: string; actions: Record<string, { allowed: boolean; reason: string | null }> };
    expect(s).toMatchObject({ status: 'not_installed', profile: 'app', managed: true });
    expect(s.actions.install).toEqual({ allowed: true, reason: null });
    expect(s.actions.verify).toMatchObject({ allowed: false, reason: expect.stringMatching(/Not installed yet/) });
  });

  it('400 envelopes: a wheelhouse that is not one names param wheelhouse; an unknown action or torch build', async () => {
    let res = await post('/v1/hone/environment/runs', { action: 'install', wheelhouse: join(dataDir, 'nope') });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: expect.stringMatching(/No wheelhouse at .*nope/), type: 'invalid_request_error', param: 'wheelhouse', code: 'wheelhouse_invalid' } });
    res = await post('/v1/hone/environment/runs', { action: 'install', wheelhouse: dataDir });
    expect(((await res.json()) as { error: { param: string; message: string } }).error).toMatchObject({ param: 'wheelhouse', message: expect.stringMatching(/no manifest\.json/) });
    res = await post('/v1/hone/environment/runs', { action: 'explode' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('action');
    res = await post('/v1/hone/environment/runs', { action: 'install', torch: 'cu99' });
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('torch');
  });

  it('202 starts a run, the live stream pushes it, a second start is 409 environment_busy, cancel ends it', { timeout: 30_000 }, async () => {
    const ctl = new AbortController();
    const live = await fetch(`${url}/v1/hone/live`, { headers: { ...auth, accept: 'text/event-stream' }, signal: ctl.signal });
    const reader = live.body!.getReader();
    const dec = new TextDecoder();
    let text = '';
    const until = async (re: RegExp) => {
      while (!re.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${re}`);
        text += dec.decode(value);
      }
    };
    await until(/event: system\n/);
    const res = await post('/v1/hone/environment/runs', { action: 'install', torch: 'cpu' });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { current_run: { action: string; status: string } }).current_run).toMatchObject({ action: 'install', status: 'running' });
    await until(/event: environment\ndata: \{"object":"hone.environment","status":"installing"/);
    const busy = await post('/v1/hone/environment/runs', { action: 'verify' });
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('environment_busy');
    const cancel = await post('/v1/hone/environment/runs/current/cancel');
    expect(cancel.status).toBe(200);
    await until(/event: environment\ndata: .*"status":"cancelled"/);
    ctl.abort();
    const s = (await (await fetch(`${url}/v1/hone/environment`, { headers: auth })).json()) as { last_run: { status: string }; current_run: null };
    expect(s).toMatchObject({ current_run: null, last_run: { status: 'cancelled' } });
    const none = await post('/v1/hone/environment/runs/current/cancel');
    expect(none.status).toBe(409);
  });

  it('hardware: the installer detect answer with the build auto picks and why', { timeout: 30_000 }, async () => {
    const res = await fetch(`${url}/v1/hone/environment/hardware`, { headers: auth });
    expect(res.status).toBe(200);
    const hw = (await res.json()) as { kind: string; variant: string | null; reason: string };
    expect(['cpu', 'nvidia', 'rocm', 'mps']).toContain(hw.kind);
    if (hw.kind === 'cpu') expect(hw).toMatchObject({ variant: 'cpu', reason: expect.stringMatching(/No GPU found/) });
  });

  it('the OpenAPI document has the routes', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/hone/environment', '/v1/hone/environment/runs', '/v1/hone/environment/runs/current/cancel', '/v1/hone/environment/hardware']));
  });

  it('HONE_PYTHON_CANDIDATES replaces the PATH names (empty: none), after the bundled one and HONE_BASE_PYTHON', () => {
    const c = defaultCandidates({ HONE_BASE_PYTHON: '/nonexistent', HONE_PYTHON_CANDIDATES: '' });
    expect(c.map((x) => x.source)).toEqual(['bundled', 'HONE_BASE_PYTHON']);
    expect(defaultCandidates({ HONE_PYTHON_CANDIDATES: 'python3.11, py -3' }).slice(1).map((x) => x.cmd)).toEqual([['python3.11'], ['py', '-3']]);
    expect(defaultCandidates({}).map((x) => x.cmd[0])).toContain('python3.12');
  });
});
