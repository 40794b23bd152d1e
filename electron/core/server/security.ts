import { networkInterfaces, hostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { keyFromHeaders, keyMatches } from '../auth/api-key.js';

export interface SecurityOptions {
  /** The address the server is bound to. */
  bindHost: string;
  /** null = authentication disabled (only allowed on a loopback bind). Read on every request: key rotation (start.ts) assigns it. */
  apiKey: string | null;
  /** Extra Host names to accept (e.g. the workstation's DNS name when serving a team). */
  allowedHosts?: string[];
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return LOOPBACK_NAMES.has(h) || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1';
}

/** Host names a request may address: loopback, the bind address, and when bound to all
 * interfaces, this machine's addresses and hostname. Anything else is a DNS-rebinding attempt. */
export function allowedHostNames(opts: SecurityOptions): (host: string) => boolean {
  const extra = new Set<string>((opts.allowedHosts ?? []).map((h) => h.toLowerCase()));
  extra.add(opts.bindHost.toLowerCase());
  if (opts.bindHost === '0.0.0.0' || opts.bindHost === '::') {
    extra.add(hostname().toLowerCase());
    for (const addrs of Object.values(networkInterfaces())) {
      for (const a of addrs ?? []) extra.add(a.address.toLowerCase());
    }
  }
  return (host) => isLoopbackHost(host) || extra.has(host.toLowerCase().replace(/^\[|\]$/g, ''));
}

/** Splits a Host header into its name (without port). */
export function hostNameOf(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon > -1 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/** Routes that answer without a key: the seed's health check and the API description. */
const PUBLIC_ROUTES = new Set(['/', '/v1', '/v1/', '/openapi.json', '/app']);
/** The built app's static files (no secrets in them; the app asks for the key itself). */
const PUBLIC_PREFIXES = ['/app/'];
/** The proxied MLflow UI: a frame cannot send the key; its session cookie is checked in routes/mlflow-proxy.ts. */
const isCookieAuthorised = (path: string) => path === '/mlflow' || path.startsWith('/mlflow/');

/**
 * First hooks of every request: Host allow-list (DNS rebinding), Origin allow-list (cross-site
 * requests from web pages; no CORS headers are ever sent), then the bearer key.
 */
export function registerSecurity(app: FastifyInstance, opts: SecurityOptions): void {
  const hostOk = allowedHostNames(opts);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const host = req.headers.host;
    if (!host || !hostOk(hostNameOf(host))) {
      throw new ApiError(403, `Host '${host ?? ''}' is not allowed.`, null, 'host_not_allowed', 'permission_error');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, host, hostOk)) {
      throw new ApiError(403, `Origin '${origin}' is not allowed.`, null, 'origin_not_allowed', 'permission_error');
    }
    if (opts.apiKey === null) return;
    const path = req.url.split('?')[0]!;
    if ((PUBLIC_ROUTES.has(path) || PUBLIC_PREFIXES.some((p) => path.startsWith(p))) && (req.method === 'GET' || req.method === 'HEAD')) return;
    if (isCookieAuthorised(path)) return;
    const given = keyFromHeaders(req.headers);
    if (given === null) {
      throw new ApiError(
        401,
        "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' (see the key printed when Hone started, or HONE_API_KEY).",
        null,
        'missing_api_key',
      );
    }
    if (!keyMatches(given, opts.apiKey)) {
      throw new ApiError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
    }
  });
}

/** A browser Origin is accepted only when it names this server itself (same-origin UI). */
function originAllowed(origin: string, host: string, hostOk: (h: string) => boolean): boolean {
  if (origin === 'null') return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === host && hostOk(hostNameOf(u.host));
  } catch {
    return false;
  }
}
