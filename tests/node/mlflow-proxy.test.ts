import { request as httpRequest } from 'node:http';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, errorOf, type TestServer } from './helpers/server.js';
import { HoneSession, MlflowUi } from '../../electron/shared/schemas/mlflow.js';
import { BrowserSessions } from '../../electron/core/server/routes/mlflow-proxy.js';

/**
 * The MLflow UI behind Hone's proxy, for real: a server bound to all interfaces (team mode) with a
 * rotatable key, the local MLflow started on demand, requests sent with the Host a team member's
 * browser would send (this machine's name, which MLflow itself would refuse).
 */
let s: TestServer;
let key: string;
let origin: string;
const teamHost = () => `${hostname()}:${s.port}`;

beforeAll(async () => {
  s = await startTestServer({ host: '0.0.0.0', apiKeyEnv: undefined }, { mlflow: 'local' });
  key = s.apiKey!.key;
  origin = `http://${teamHost()}`;
});

let mlflowPid: number | null = null;
afterAll(async () => {
  mlflowPid = s.core.mlflow?.pid ?? null;
  await s.stop();
  // Nothing of MLflow's process group (mlflow server, uvicorn) outlives the server.
  if (mlflowPid) expect(groupAlive(mlflowPid), `MLflow process group ${mlflowPid} still alive`).toBe(false);
}, 60_000);

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with exactly these headers (fetch cannot set Host): what a browser on another machine sends. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: s.port, method, path, headers: { host: teamHost(), ...headers } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const envelope = (a: Answer) => (JSON.parse(a.body) as { error: { message: string; type: string; param: string | null; code: string | null } }).error;

async function newSession(bearer = key): Promise<{ cookie: string; setCookie: string }> {
  const a = await send('POST', '/v1/hone/session', { authorization: `Bearer ${bearer}` });
  expect(a.status, a.body).toBe(200);
  HoneSession.parse(JSON.parse(a.body));
  const setCookie = String(a.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

describe('MLflow behind Hone', () => {
  it('refuses /mlflow/ without a session cookie, before starting anything', async () => {
    const a = await send('GET', '/mlflow/');
    expect(a.status).toBe(401);
    expect(envelope(a)).toMatchObject({ type: 'authentication_error', code: 'missing_session', param: null });
    // The bearer key is not a substitute for the cookie: a frame never has it.
    const b = await send('GET', '/mlflow/', { authorization: `Bearer ${key}` });
    expect(b.status).toBe(401);
    const c = await send('GET', '/mlflow/', { cookie: 'hone_session=made-up' });
    expect(envelope(c).code).toBe('invalid_session');
    expect(s.core.mlflow!.pid).toBeNull();
  });

  it('POST /v1/hone/session needs the key and sets an HttpOnly, SameSite=Strict cookie for /mlflow only', async () => {
    const none = await send('POST', '/v1/hone/session');
    expect(none.status).toBe(401);
    expect(envelope(none).code).toBe('missing_api_key');
    const wrong = await send('POST', '/v1/hone/session', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);

    const { setCookie } = await newSession();
    const parts = setCookie.split(';').map((p) => p.trim());
    expect(parts[0]).toMatch(/^hone_session=[A-Za-z0-9_-]{43}$/);
    expect(parts).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/mlflow', 'Max-Age=43200']));
    expect(parts).not.toContain('Secure'); // plain http here; https requests get Secure
    expect(setCookie).not.toContain(key);
    // Each call is a new session (no value derived from the key).
    expect((await newSession()).cookie).not.toBe(parts[0]);
  });

  it('starts the local MLflow on demand and says where its UI is', async () => {
    const t0 = Date.now();
    const a = await send('POST', '/v1/hone/mlflow/start', { authorization: `Bearer ${key}` });
    expect(a.status, a.body).toBe(200);
    expect(MlflowUi.parse(JSON.parse(a.body))).toEqual({ object: 'hone.mlflow', status: 'ok', ui_url: '/mlflow/', embeddable: true, message: null });
    console.log(`MLflow first start through POST /v1/hone/mlflow/start: ${Date.now() - t0} ms`);
    // MLflow itself listens on loopback only, under the same prefix.
    expect(s.core.mlflow!.currentUri()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mlflow$/);
  }, 180_000);

  it('with the cookie, serves the MLflow UI, its assets and its ajax API through the proxy (Host of another machine)', async () => {
    const { cookie } = await newSession();
    const page = await send('GET', '/mlflow/', { cookie, accept: 'text/html' });
    expect(page.status, page.body.slice(0, 300)).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<title>MLflow</title>');
    // Frameable by Hone's own origin only.
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    const script = /src="(static-files\/static\/js\/main\.[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeTruthy();
    const js = await send('GET', `/mlflow/${script}`, { cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);

    // The UI's calls: same-origin POSTs (MLflow's CORS check would refuse this Origin; the proxy
    // has checked it and does not forward it), JSON back.
    const json = { cookie, origin, 'content-type': 'application/json' };
    const name = `proxy-test-${Date.now()}`;
    const created = await send('POST', '/mlflow/ajax-api/2.0/mlflow/experiments/create', json, JSON.stringify({ name }));
    expect(created.status, created.body).toBe(200);
    const id = (JSON.parse(created.body) as { experiment_id: string }).experiment_id;
    const search = await send('POST', '/mlflow/ajax-api/2.0/mlflow/experiments/search', json, JSON.stringify({ max_results: 50 }));
    expect(search.status, search.body).toBe(200);
    expect(search.headers['content-type']).toMatch(/application\/json/);
    const names = (JSON.parse(search.body) as { experiments: Array<{ name: string; experiment_id: string }> }).experiments.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['Default', name]));
    // The same experiment through the tracking URI the trainers get.
    const direct = await fetch(`${s.core.mlflow!.currentUri()}/api/2.0/mlflow/experiments/get?experiment_id=${id}`);
    expect(((await direct.json()) as { experiment: { name: string } }).experiment.name).toBe(name);

    // MLflow's redirect to the slash form stays on Hone's origin.
    const bare = await send('GET', '/mlflow', { cookie });
    expect(bare.status).toBe(308);
    expect(String(bare.headers.location)).toMatch(/^\/mlflow\/$/);
  }, 60_000);

  it('refuses a foreign Origin even with a valid cookie', async () => {
    const { cookie } = await newSession();
    const a = await send('POST', '/mlflow/ajax-api/2.0/mlflow/experiments/search', { cookie, origin: 'http://evil.example', 'content-type': 'application/json' }, '{}');
    expect(a.status).toBe(403);
    expect(envelope(a)).toMatchObject({ code: 'origin_not_allowed', type: 'permission_error' });
    const b = await send('GET', '/mlflow/', { cookie, origin: 'null' });
    expect(b.status).toBe(403);
  });

  it('a rotated API key ends every session', async () => {
    const { cookie } = await newSession();
    expect((await send('GET', '/mlflow/', { cookie })).status).toBe(200);
    const rot = await send('POST', '/v1/hone/api-key/rotate', { authorization: `Bearer ${key}` });
    expect(rot.status, rot.body).toBe(200);
    key = (JSON.parse(rot.body) as { key: string }).key;
    const old = await send('GET', '/mlflow/', { cookie });
    expect(old.status).toBe(401);
    expect(envelope(old).code).toBe('invalid_session');
    expect((await send('POST', '/v1/hone/session', { authorization: `Bearer ${key}` })).status).toBe(200);
    const fresh = await newSession();
    expect((await send('GET', '/mlflow/', { cookie: fresh.cookie })).status).toBe(200);
  });

  it('a dead MLflow is a 502 envelope, and the next request starts it again', async () => {
    const { cookie } = await newSession();
    const m = s.core.mlflow!;
    // Stop the running server (and its uvicorn) behind Hone's back, between two requests.
    const pid = m.pid!;
    process.kill(-pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const a = await send('GET', '/mlflow/', { cookie });
    // Either the proxy noticed the exit first (it waits for the restart: 200) or the upstream refused (502).
    expect([200, 502]).toContain(a.status);
    if (a.status === 502) expect(envelope(a).code).toBe('mlflow_unavailable');
    await expect.poll(async () => (await send('GET', '/mlflow/', { cookie })).status, { timeout: 120_000, interval: 1_000 }).toBe(200);
  }, 180_000);

  it('keeps the key out of every Set-Cookie and Location, and /mlflow/ out of the API description', async () => {
    const { setCookie } = await newSession();
    expect(setCookie).not.toContain(key);
    const { cookie } = await newSession();
    for (const path of ['/mlflow', '/mlflow/', '/mlflow/health']) {
      const a = await send('GET', path, { cookie });
      expect(String(a.headers['set-cookie'] ?? '')).not.toContain(key);
      expect(String(a.headers.location ?? '')).not.toContain(key);
    }
    const spec = (await (await fetch(`http://127.0.0.1:${s.port}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/hone/session', '/v1/hone/mlflow/start']));
    expect(Object.keys(spec.paths).some((p) => p.startsWith('/mlflow'))).toBe(false);
  });
});

describe('MLflow off or remote', () => {
  it('off: the start endpoint says how to turn it on; /mlflow/ is a 404 envelope', async () => {
    const off = await startTestServer({}, { mlflow: 'off' });
    try {
      const a = await off.api('/v1/hone/mlflow/start', { method: 'POST' });
      const ui = MlflowUi.parse(await a.json());
      expect(ui).toMatchObject({ status: 'off', ui_url: null, embeddable: false });
      expect(ui.message).toMatch(/Settings/);
      const cookie = String((await off.api('/v1/hone/session', { method: 'POST' })).headers.get('set-cookie')).split(';')[0]!;
      const r = await fetch(`${off.url}/mlflow/`, { headers: { cookie } });
      expect((await errorOf(r)).error.code).toBe('mlflow_off');
    } finally {
      await off.stop();
    }
  });

  it('remote: no proxy; the UI opens in a new window and the answer says why', async () => {
    const remote = await startTestServer({}, { mlflow: 'https://mlflow.example.com/' });
    try {
      const ui = MlflowUi.parse(await (await remote.api('/v1/hone/mlflow/start', { method: 'POST' })).json());
      expect(ui).toMatchObject({ status: 'remote', ui_url: 'https://mlflow.example.com/', embeddable: false });
      expect(ui.message).toMatch(/new window/);
      const cookie = String((await remote.api('/v1/hone/session', { method: 'POST' })).headers.get('set-cookie')).split(';')[0]!;
      const r = await fetch(`${remote.url}/mlflow/`, { headers: { cookie } });
      expect(r.status).toBe(404);
      expect((await errorOf(r)).error.code).toBe('mlflow_remote');
    } finally {
      await remote.stop();
    }
  });
});

describe('BrowserSessions', () => {
  it('expire, and all end when the key changes', () => {
    let k: string | null = 'a';
    const ss = new BrowserSessions(() => k, 1_000);
    const one = ss.issue(0);
    expect(ss.valid(one.token, 999)).toBe(true);
    expect(ss.valid(one.token, 1_000)).toBe(false);
    const two = ss.issue(2_000);
    expect(ss.valid(two.token, 2_001)).toBe(true);
    k = 'b';
    expect(ss.valid(two.token, 2_002)).toBe(false);
    expect(ss.valid(undefined)).toBe(false);
    expect(ss.size).toBe(0);
  });
});
