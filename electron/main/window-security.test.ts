import { describe, expect, it } from 'vitest';
import { createSecureWindow, guardWebContents, hardenSession, isAllowedNavigation, secureWebPreferences, isExternalUrl, mlflowWindowOptions, windowOpenAction, type GuardedContents } from './window-security.js';

describe('window security', () => {
  it('isolates and sandboxes the renderer', () => {
    const w = secureWebPreferences('/p.cjs');
    expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true });
  });
  it('allows only same-origin navigation', () => {
    expect(isAllowedNavigation('http://127.0.0.1:8017/jobs', 'http://127.0.0.1:8017')).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:8017.evil.com/', 'http://127.0.0.1:8017')).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:9999/', 'http://127.0.0.1:8017')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', 'http://127.0.0.1:8017')).toBe(false);
  });
  it("opens Hone's MLflow UI in an app window (it shares the session cookie) and other pages in the browser", () => {
    const app = 'http://127.0.0.1:8017';
    expect(windowOpenAction('http://127.0.0.1:8017/mlflow/#/experiments/1/runs/abc', app)).toBe('app-window');
    expect(windowOpenAction('http://127.0.0.1:8017/mlflow', app)).toBe('app-window');
    expect(windowOpenAction('http://127.0.0.1:8017/mlflowx/', app)).toBe('external');
    expect(windowOpenAction('http://127.0.0.1:9999/mlflow/', app)).toBe('external');
    expect(windowOpenAction('http://mlflow.lan:5000/#/experiments/2', app)).toBe('external');
    expect(windowOpenAction('https://mlflow.org/docs/latest/', app)).toBe('external');
    expect(windowOpenAction('file:///etc/passwd', app)).toBe('deny');
    expect(windowOpenAction('javascript:alert(1)', app)).toBe('deny');
    expect(windowOpenAction('not a url', app)).toBe('deny');
    const w = mlflowWindowOptions().webPreferences!;
    expect(w.preload).toBeUndefined();
    expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  });
});

describe('webContents and session guards', () => {
  const app = 'http://127.0.0.1:8017';
  function fakeContents() {
    const handlers = new Map<string, (...a: unknown[]) => void>();
    let openHandler: ((d: { url: string }) => unknown) | undefined;
    const wc = {
      setWindowOpenHandler: (fn: (d: { url: string }) => unknown) => (openHandler = fn),
      on: (ev: string, fn: (...a: unknown[]) => void) => handlers.set(ev, fn),
    };
    const prevented = (ev: string, url?: string) => {
      let p = false;
      handlers.get(ev)!({ preventDefault: () => (p = true) }, url);
      return p;
    };
    return { wc, handlers, open: (url: string) => openHandler!({ url }), prevented };
  }

  it('keeps the window on the app, sends http(s) links to the browser, denies the rest and webviews', () => {
    const f = fakeContents();
    const opened: string[] = [];
    guardWebContents(f.wc as unknown as GuardedContents, { appOrigin: () => app, openInBrowser: (u) => opened.push(u) });
    expect(f.prevented('will-navigate', 'http://127.0.0.1:8017/app/#/jobs')).toBe(false);
    expect(f.prevented('will-navigate', 'https://github.com/hone')).toBe(true);
    expect(f.prevented('will-redirect', 'http://127.0.0.1:8018/')).toBe(true);
    expect(f.prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.prevented('will-attach-webview')).toBe(true);
    expect(f.open('https://mlflow.org/docs')).toEqual({ action: 'deny' });
    expect(f.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(f.open('http://127.0.0.1:8017/mlflow/#/experiments/1')).toMatchObject({ action: 'allow', overrideBrowserWindowOptions: { title: 'MLflow · Hone' } });
    expect(opened).toEqual(['https://github.com/hone', 'https://mlflow.org/docs']);
    // A window the app opens gets the same guards.
    const child = fakeContents();
    f.handlers.get('did-create-window')!({ webContents: child.wc });
    expect(child.prevented('will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('denies every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
    let check: ((wc: unknown, p: string) => boolean) | undefined;
    hardenSession({ setPermissionRequestHandler: (fn) => (request = fn), setPermissionCheckHandler: (fn) => (check = fn) });
    const answers: boolean[] = [];
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read']) request!(null, p, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false]);
    expect(check!(null, 'media')).toBe(false);
  });

  it('lets only http(s) out', () => {
    expect(isExternalUrl('https://huggingface.co/x')).toBe(true);
    expect(isExternalUrl('http://mlflow.lan:5000/')).toBe(true);
    for (const u of ['file:///etc/passwd', 'mailto:a@b.c', 'smb://host/share', 'javascript:alert(1)', 'nope']) expect(isExternalUrl(u)).toBe(false);
  });
});

describe('the constructed window', () => {
  it('gets the secure webPreferences whatever extra options say', () => {
    const made: unknown[] = [];
    class FakeWindow {
      constructor(o: unknown) {
        made.push(o);
      }
    }
    const extra = { width: 900, height: 700, x: 5, y: 6, webPreferences: { nodeIntegration: true } } as Parameters<typeof createSecureWindow>[2];
    expect(createSecureWindow(FakeWindow, '/out/preload/index.cjs', extra)).toBeInstanceOf(FakeWindow);
    expect(made[0]).toMatchObject({ width: 900, height: 700, x: 5, y: 6, title: 'Hone' });
    const w = (made[0] as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(w).toEqual({ ...secureWebPreferences('/out/preload/index.cjs') });
    expect(w).toMatchObject({ preload: '/out/preload/index.cjs', nodeIntegration: false, sandbox: true, contextIsolation: true, disableBlinkFeatures: 'Auxclick' });
  });
});
