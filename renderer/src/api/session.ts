/**
 * The API key for this tab. In a browser it arrives in the URL fragment (`#token=…`, never sent
 * to a server or a Referer) and is removed from the address bar at once; in the desktop app the
 * preload hands it over (`window.hone.session()`, no URL at all). Kept in sessionStorage (this tab only).
 */
const KEY = 'hone.apiKey';

export function takeTokenFromLocation(loc: Location = window.location, hist: History = window.history): void {
  const m = /(?:^#|[#&])token=([^&]+)/.exec(loc.hash);
  if (!m) return;
  try {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]!));
  } catch {
    /* storage disabled: the sign-in screen will ask */
  }
  hist.replaceState(null, '', `${loc.pathname}${loc.search}#/`);
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
  for (const l of listeners) l(token);
}

const listeners = new Set<(t: string | null) => void>();
export function onTokenChange(l: (t: string | null) => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The desktop app's preload bridge (electron/preload); absent in a browser. */
interface DesktopBridge {
  session?: () => Promise<{ key: string | null }>;
}

/** In the desktop app: asks main for the key and stores it. Resolves at once in a browser. */
export async function takeTokenFromDesktop(bridge: DesktopBridge | undefined = (window as { hone?: DesktopBridge }).hone): Promise<void> {
  if (!bridge?.session) return;
  try {
    const { key } = await bridge.session();
    if (key) sessionStorage.setItem(KEY, key);
  } catch {
    /* refused or storage disabled: the sign-in screen will ask */
  }
}
