/** The built app at /app/: served without a key, strict headers, cache rules, the / redirect, team mode. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../electron/core/server/app.js';
import { createCore, type Core } from '../../electron/core/core.js';
import { prefersHtml } from '../../electron/core/server/routes/health.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hone-appui-'));
const built = mkdtempSync(join(tmpdir(), 'hone-renderer-'));
let core: Core;
beforeAll(async () => {
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<!doctype html><title>Hone</title><script type="module" src="./assets/index-abc123.js"></script>');
  writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(built, '.secret'), 'x');
  core = await createCore({ dataDir, mlflow: 'off', benchmarksByDefault: false });
});
afterAll(async () => {
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(built, { recursive: true, force: true });
});

const appFor = (bindHost: string, rendererDir = built) => buildApp(core, { security: { bindHost, apiKey: 'k' }, rendererDir });

describe('the app at /app/', () => {
  it('serves index.html without a key, with a strict CSP and no-cache; hashed assets are immutable', async () => {
    const app = await appFor('127.0.0.1');
    const index = await app.inject({ url: '/app/', headers: { host: '127.0.0.1:8017' } });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.headers['cache-control']).toBe('no-cache');
    const asset = await app.inject({ url: '/app/assets/index-abc123.js', headers: { host: 'localhost' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject({ url: '/app/.secret', headers: { host: 'localhost' } })).statusCode).toBe(404);
    expect((await app.inject({ url: '/app', headers: { host: 'localhost' } })).headers.location).toBe('/app/');
    // The API itself still needs the key.
    expect((await app.inject({ url: '/v1/files', headers: { host: 'localhost' } })).statusCode).toBe(401);
    await app.close();
  });

  it('redirects a browser at / to the app and keeps the seed JSON for curl and the SDKs', async () => {
    const app = await appFor('127.0.0.1');
    const browser = await app.inject({ url: '/', headers: { host: 'localhost', accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/app/');
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html;q=0.5']) {
      const res = await app.inject({ url: '/', headers: { host: 'localhost', ...(accept ? { accept } : {}) } });
      expect(res.json()).toEqual({ 'Hone Server': 'online' });
    }
    expect(prefersHtml('text/html;q=0')).toBe(false);
    await app.close();
  });

  it('answers a clear 503 page when the app is not built', async () => {
    const app = await appFor('127.0.0.1', join(built, 'missing'));
    const res = await app.inject({ url: '/app/', headers: { host: 'localhost' } });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('not built');
    await app.close();
  });

  it('works the same in team mode, from another machine addressing this one; a foreign Host is still refused', async () => {
    const app = await appFor('0.0.0.0');
    const ip = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (ip) {
      const res = await app.inject({ url: '/app/', headers: { host: `${ip}:8017` } });
      expect(res.statusCode).toBe(200);
      const api = await app.inject({ url: '/v1/files', headers: { host: `${ip}:8017`, origin: `http://${ip}:8017`, authorization: 'Bearer k' } });
      expect(api.statusCode).toBe(200);
    }
    expect((await app.inject({ url: '/app/', headers: { host: 'evil.example:8017' } })).statusCode).toBe(403);
    await app.close();
  });
});
