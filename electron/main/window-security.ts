import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * Secure defaults for every window: isolated, sandboxed, no Node in the page, no webviews, no
 * middle-click windows (Auxclick off). Spelled out once here, where the window is constructed,
 * so electronegativity checks the real options.
 */
export function secureWebPreferences(preload: string | undefined) {
  return {
    ...(preload ? { preload } : {}),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    nodeIntegrationInWorker: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    disableBlinkFeatures: 'Auxclick',
    spellcheck: false,
  } satisfies BrowserWindowConstructorOptions['webPreferences'];
}

/**
 * Constructs the app's window (the constructor is injected: Electron's in index.ts, a fake in
 * tests). `extra` carries bounds and the like; it cannot override webPreferences.
 */
export function createSecureWindow<W>(
  BrowserWindow: new (o: BrowserWindowConstructorOptions) => W,
  preload: string,
  extra: Omit<BrowserWindowConstructorOptions, 'webPreferences'> = {},
): W {
  return new BrowserWindow({
    title: 'Hone',
    ...extra,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
}

/** Only same-origin navigation (exact origin comparison, never a substring test). */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  try {
    return new URL(url).origin === new URL(appOrigin).origin;
  } catch {
    return false;
  }
}

/**
 * What a `window.open` / `target=_blank` from the app does: the proxied MLflow UI (same origin,
 * `/mlflow/`) opens in another app window, which shares the session cookie a browser tab would not
 * have; any other http(s) page (a remote MLflow, documentation) opens in the user's browser.
 */
export function windowOpenAction(url: string, appOrigin: string): 'app-window' | 'external' | 'deny' {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'deny';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'deny';
  if (isAllowedNavigation(url, appOrigin) && (u.pathname === '/mlflow' || u.pathname.startsWith('/mlflow/'))) return 'app-window';
  return 'external';
}

/** A window for the MLflow UI: the same isolation as the app's, without the app's preload. */
export function mlflowWindowOptions(): BrowserWindowConstructorOptions {
  return { width: 1280, height: 820, title: 'MLflow · Hone', webPreferences: secureWebPreferences(undefined) };
}

/** Pages that may leave the app for the user's browser: http(s) only (no file:, mailto:, custom schemes). */
export function isExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

type PreventableEvent = { preventDefault(): void };

/** The part of a webContents the guards need (a fake one in tests). */
export interface GuardedContents {
  setWindowOpenHandler(fn: (d: { url: string }) => { action: 'deny' } | { action: 'allow'; overrideBrowserWindowOptions?: BrowserWindowConstructorOptions }): void;
  on(event: 'will-navigate' | 'will-redirect', fn: (e: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', fn: (e: PreventableEvent) => void): unknown;
  on(event: 'did-create-window', fn: (child: { webContents: GuardedContents }) => void): unknown;
}

/**
 * Navigation and new windows: the window never leaves the app's origin; Hone's MLflow UI opens in
 * another guarded app window; other http(s) links go to the browser; everything else is denied.
 */
export function guardWebContents(wc: GuardedContents, deps: { appOrigin(): string; openInBrowser(url: string): void }): void {
  wc.setWindowOpenHandler(({ url }) => {
    const action = windowOpenAction(url, deps.appOrigin());
    if (action === 'app-window') return { action: 'allow', overrideBrowserWindowOptions: mlflowWindowOptions() };
    if (action === 'external') deps.openInBrowser(url);
    return { action: 'deny' };
  });
  const stayHome = (e: PreventableEvent, url: string) => {
    if (isAllowedNavigation(url, deps.appOrigin())) return;
    e.preventDefault();
    if (isExternalUrl(url)) deps.openInBrowser(url);
  };
  wc.on('will-navigate', stayHome);
  // A server redirect off the app is no user's click: stopped, not opened elsewhere.
  wc.on('will-redirect', (e, url) => {
    if (!isAllowedNavigation(url, deps.appOrigin())) e.preventDefault();
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.on('did-create-window', (child) => guardWebContents(child.webContents, deps));
}

/** The part of a session the guards need. */
export interface GuardedSession {
  setPermissionRequestHandler(fn: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(fn: (wc: unknown, permission: string) => boolean): void;
}

/** Hone needs no camera, microphone, notifications-from-pages, geolocation…: every request and check is denied. */
export function hardenSession(s: GuardedSession): void {
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
}
