import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../core/server/routes/app-ui.js';
import { enforceAppCsp, isAppPage, type HeadersDetails } from './csp.js';
import { openInBrowser } from './external-links.js';

describe('CSP for the window', () => {
  function run(details: HeadersDetails) {
    let handler: Parameters<Parameters<typeof enforceAppCsp>[0]['onHeadersReceived']>[0] | undefined;
    enforceAppCsp({ onHeadersReceived: (fn) => (handler = fn) }, () => 'http://127.0.0.1:8017');
    let out: { responseHeaders?: Record<string, string[]> } | undefined;
    handler!(details, (r) => (out = r));
    return out!;
  }

  it("replaces the app pages' CSP with the same policy the core sends", () => {
    const r = run({ url: 'http://127.0.0.1:8017/app/', responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Frame-Options': ['DENY'] } });
    expect(r.responseHeaders).toEqual({ 'X-Frame-Options': ['DENY'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('leaves other pages and origins alone', () => {
    expect(run({ url: 'http://127.0.0.1:8017/mlflow/', responseHeaders: { a: ['b'] } })).toEqual({});
    expect(run({ url: 'http://127.0.0.1:9000/app/' })).toEqual({});
    expect(isAppPage('http://127.0.0.1:8017/appx', 'http://127.0.0.1:8017')).toBe(false);
    expect(isAppPage('http://127.0.0.1:8017/app', null)).toBe(false);
  });
});

describe('openInBrowser', () => {
  it('opens http(s) only', async () => {
    const shell = { openExternal: vi.fn(async () => undefined) };
    await openInBrowser(shell, 'https://huggingface.co/');
    await expect(openInBrowser(shell, 'file:///etc/passwd')).rejects.toThrow(/refused/);
    await expect(openInBrowser(shell, 'smb://server/share')).rejects.toThrow(/refused/);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });
});
