/**
 * The API key for this tab. It arrives in the URL fragment (`#token=…`, never sent to a server or
 * a Referer), is kept in sessionStorage (this tab only) and removed from the address bar at once.
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
