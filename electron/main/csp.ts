/**
 * The app's Content-Security-Policy, enforced by the shell for the window's pages (/app/ on the
 * core's origin) as well as sent by the core (electron/core/server/routes/app-ui.ts; a test keeps
 * the two equal). Other pages (the proxied MLflow UI) keep their own headers.
 */
export interface HeadersDetails {
  url: string;
  responseHeaders?: Record<string, string[]>;
}

export interface WebRequestLike {
  onHeadersReceived(fn: (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
}

export function isAppPage(url: string, appOrigin: string | null): boolean {
  if (!appOrigin) return false;
  try {
    const u = new URL(url);
    return u.origin === new URL(appOrigin).origin && (u.pathname === '/app' || u.pathname.startsWith('/app/'));
  } catch {
    return false;
  }
}

export function enforceAppCsp(webRequest: WebRequestLike, appOrigin: () => string | null): void {
  webRequest.onHeadersReceived((details, callback) => {
    if (!isAppPage(details.url, appOrigin())) return callback({});
    const others = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([k]) => k.toLowerCase() !== 'content-security-policy'));
    callback({
      responseHeaders: {
        ...others,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ],
      },
    });
  });
}
