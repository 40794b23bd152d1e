/**
 * The MLflow UI under Hone's origin at `/mlflow/`: a reverse proxy to the local MLflow server (bound
 * to 127.0.0.1, started on demand, serving under the same `--static-prefix`), so the app can frame
 * it and a team member's browser can reach it through Hone's port. A browser frame cannot send the
 * bearer key, so `/mlflow/*` is authorised by an HttpOnly, SameSite=Strict session cookie that the
 * app obtains for its key (`POST /v1/hone/session`); the key itself is never in a URL or a cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import httpProxy from '@fastify/http-proxy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { HoneSession, MlflowUi } from '../../../shared/schemas/mlflow.js';
import { MLFLOW_PREFIX } from '../../mlflow/mlflow-server.js';
import { ApiError } from '../errors.js';
import type { CoreContext, RouteModule } from '../types.js';

export const SESSION_COOKIE = 'hone_session';
const SESSION_TTL_S = 12 * 3600;
/** Only key holders create sessions; the cap keeps a runaway script from growing the map. */
const MAX_SESSIONS = 1_000;

/**
 * Browser sessions for the proxy, in memory (a restart ends them). Tokens are stored hashed; all
 * of them end when the API key changes (rotation), so an old cookie stops working with the old key.
 */
export class BrowserSessions {
  private readonly byHash = new Map<string, number>();
  private key: string | null;

  constructor(
    private readonly currentKey: () => string | null,
    private readonly ttlMs = SESSION_TTL_S * 1000,
  ) {
    this.key = currentKey();
  }

  issue(now = Date.now()): { token: string; expiresAt: number } {
    this.sync();
    for (const [h, exp] of this.byHash) if (exp <= now) this.byHash.delete(h);
    while (this.byHash.size >= MAX_SESSIONS) this.byHash.delete(this.byHash.keys().next().value!);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.byHash.set(hash(token), expiresAt);
    return { token, expiresAt };
  }

  valid(token: string | undefined, now = Date.now()): boolean {
    this.sync();
    if (!token) return false;
    const h = hash(token);
    const exp = this.byHash.get(h);
    if (exp === undefined) return false;
    if (exp <= now) {
      this.byHash.delete(h);
      return false;
    }
    return true;
  }

  get size(): number {
    return this.byHash.size;
  }

  private sync(): void {
    const k = this.currentKey();
    if (k !== this.key) {
      this.byHash.clear();
      this.key = k;
    }
  }
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

const OFF_MESSAGE =
  "MLflow is off (HONE_MLFLOW=off or the MLflow setting), so jobs train without tracking. To turn it on, set MLflow to 'local' in Settings (or unset HONE_MLFLOW) and restart Hone.";
const remoteMessage = (uri: string) =>
  `Runs are tracked on a remote MLflow server (${uri}). It is on another origin, so the app cannot show it inside its window (browsers refuse to frame MLflow from another site, and Hone proxies only the MLflow server it runs itself): it opens in a new window.`;

/** Where the MLflow UI is; starts the local server first (its first start takes several seconds). */
async function mlflowUi(ctx: CoreContext): Promise<MlflowUi> {
  const m = ctx.mlflow;
  if (!m) return { object: 'hone.mlflow', status: 'off', ui_url: null, embeddable: false, message: OFF_MESSAGE };
  if (m.isRemote) {
    const uri = await m.uri();
    return { object: 'hone.mlflow', status: 'remote', ui_url: `${uri}/`, embeddable: false, message: remoteMessage(uri) };
  }
  await startLocal(ctx);
  return { object: 'hone.mlflow', status: 'ok', ui_url: `${MLFLOW_PREFIX}/`, embeddable: true, message: null };
}

/** The local server's origin, started if needed; envelopes for off, remote and a failed start. */
async function startLocal(ctx: CoreContext): Promise<string> {
  const m = ctx.mlflow;
  if (!m) throw new ApiError(404, OFF_MESSAGE, null, 'mlflow_off');
  if (m.isRemote) throw new ApiError(404, remoteMessage(await m.uri()), null, 'mlflow_remote');
  const running = m.localOrigin();
  if (running) return running;
  try {
    await m.uri();
  } catch (e) {
    throw new ApiError(503, `The local MLflow server did not start: ${(e as Error).message}`, null, 'mlflow_unavailable');
  }
  const origin = m.localOrigin();
  if (!origin) throw new ApiError(503, 'The local MLflow server stopped right after starting; Hone restarts it. Try again in a few seconds.', null, 'mlflow_unavailable');
  return origin;
}

/** Response headers of every proxied answer: frameable by Hone's own origin only. */
function frameHeaders(headers: Record<string, string | string[] | undefined>, upstream: string | undefined): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = { ...headers, 'x-frame-options': 'SAMEORIGIN' };
  const csp = typeof headers['content-security-policy'] === 'string' ? headers['content-security-policy'] : '';
  out['content-security-policy'] = csp && !/frame-ancestors/i.test(csp) ? `${csp}; frame-ancestors 'self'` : csp || "frame-ancestors 'self'";
  // An absolute redirect to 127.0.0.1 would leave Hone's origin (and fail on a team member's machine).
  const loc = headers.location;
  if (typeof loc === 'string' && upstream && loc.startsWith(upstream)) out.location = loc.slice(upstream.length) || '/';
  return out;
}

/** What MLflow receives: no bearer key, no Hone session cookie, no Origin (checked here already). */
function upstreamHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out = { ...headers };
  delete out.authorization;
  delete out.origin;
  if (typeof out.cookie === 'string') {
    const rest = out.cookie
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c && !c.startsWith(`${SESSION_COOKIE}=`));
    if (rest.length) out.cookie = rest.join('; ');
    else delete out.cookie;
  }
  return out;
}

export const mlflowProxyRoutes: RouteModule = async (app, ctx) => {
  const sessions = new BrowserSessions(() => ctx.apiKey.key);

  app.post(
    '/v1/hone/mlflow/start',
    {
      schema: {
        tags: ['hone'],
        summary: 'Start the local MLflow server if needed; where its UI is (Hone extension)',
        description: "Waits until the local server answers (its first start takes several seconds). `status: 'remote'` or `'off'` say why the UI is not behind Hone's proxy.",
        response: { 200: MlflowUi, 401: ApiErrorBody, 503: ApiErrorBody },
      },
    },
    async () => mlflowUi(ctx),
  );

  const upstreamOf = new WeakMap<object, string>();
  // Cookies are parsed only in this scope: the session route and the proxy.
  await app.register(async (scope) => {
    await scope.register(fastifyCookie);

    scope.post(
      '/v1/hone/session',
      {
        schema: {
          tags: ['hone'],
          summary: 'A browser session for the MLflow UI at /mlflow/ (Hone extension)',
          description:
            'Answers with `Set-Cookie: hone_session=…; HttpOnly; SameSite=Strict; Path=/mlflow`, which authorises `/mlflow/*` (the proxied MLflow UI) for this browser. Ends at `expires_at`, when the API key rotates, or when the server restarts.',
          response: { 200: HoneSession, 401: ApiErrorBody },
        },
      },
      async (req, reply) => {
        const { token, expiresAt } = sessions.issue();
        reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          path: MLFLOW_PREFIX,
          maxAge: SESSION_TTL_S,
          secure: req.protocol === 'https',
        });
        reply.header('cache-control', 'no-store');
        return { object: 'hone.session' as const, expires_at: Math.floor(expiresAt / 1000) };
      },
    );

    await scope.register(async (proxy) => {
      // Before anything is parsed or MLflow started: the session cookie (the bearer key is not asked
      // for here, security.ts leaves /mlflow/ to this hook; Host and Origin are already checked).
      proxy.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        if (ctx.apiKey.key === null) return; // authentication off (loopback only): as every other route
        const given = req.cookies[SESSION_COOKIE];
        if (!sessions.valid(given)) {
          reply.header('cache-control', 'no-store');
          throw new ApiError(
            401,
            given
              ? 'Your MLflow session has ended (it expires, and ends when the API key rotates or Hone restarts). Open Experiments in the Hone app again.'
              : 'The MLflow UI needs a Hone session: open it from Experiments in the Hone app (which calls POST /v1/hone/session with your API key).',
            null,
            given ? 'invalid_session' : 'missing_session',
          );
        }
      });
      // Request bodies pass through untouched (artifact uploads, MLflow's own JSON).
      proxy.removeAllContentTypeParsers();
      // MLflow's API, not Hone's: not in /openapi.json.
      proxy.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });
      await proxy.register(httpProxy, {
        upstream: '',
        prefix: MLFLOW_PREFIX,
        rewritePrefix: MLFLOW_PREFIX,
        // Starts MLflow on the first request (the app calls /v1/hone/mlflow/start first to show progress).
        preHandler: (req, _reply, done) => {
          startLocal(ctx).then((o) => (upstreamOf.set(req, o), done()), done);
        },
        replyOptions: {
          getUpstream: (req) => upstreamOf.get(req) ?? '',
          // reply-from sets Host to the upstream's (127.0.0.1:<port>), which MLflow's host check accepts.
          rewriteRequestHeaders: (_req, headers) => upstreamHeaders(headers),
          rewriteHeaders: (headers, req) => frameHeaders(headers, req ? upstreamOf.get(req) : undefined),
          onError: (reply, { error }) => {
            const body = new ApiError(
              502,
              `The local MLflow server did not answer (${error.message}). Hone restarts it when it stops; try again in a few seconds.`,
              null,
              'mlflow_unavailable',
            ).body();
            void reply.code(502).header('content-type', 'application/json; charset=utf-8').send(body);
          },
        },
      });
    });
  });
};
