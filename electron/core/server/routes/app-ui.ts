/**
 * The React app at `/app/` (the built renderer, `out/renderer`): hashed assets cached for a year,
 * index.html revalidated every time, a strict CSP (no inline script), nosniff and no Referer. The
 * files hold no secrets, so they need no key; the app asks for the key itself (sign-in screen).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { runtimePaths } from '../../paths.js';
import type { App } from '../types.js';

/** `out/renderer` of this checkout, or the packaged app's (runtimePaths); HONE_RENDERER_DIR overrides. */
export function defaultRendererDir(): string {
  return process.env.HONE_RENDERER_DIR ?? runtimePaths().rendererDir;
}

export const APP_PREFIX = '/app/';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // React and CodeMirror set styles through the CSSOM; no inline <script> is ever allowed.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  // Experiments frames the MLflow UI that Hone proxies at /mlflow/ (same origin); nothing else.
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
}

export async function appUiRoutes(app: App, opts: { rendererDir?: string } = {}): Promise<void> {
  const root = opts.rendererDir ?? defaultRendererDir();
  app.get('/app', { schema: { hide: true } }, async (_req, reply) => reply.redirect(APP_PREFIX));
  if (!existsSync(join(root, 'index.html'))) {
    app.get('/app/*', { schema: { hide: true } }, async (_req, reply) => {
      securityHeaders(reply);
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Hone</title><p>The Hone app is not built yet. Run <code>npm start</code> (it builds it) or <code>npm run build</code>.</p>');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: APP_PREFIX,
    dotfiles: 'ignore',
    index: ['index.html'],
    wildcard: true,
    setHeaders: (reply: FastifyReply, path: string) => {
      securityHeaders(reply);
      // Vite names assets by content hash: they never change under one name.
      const immutable = /[\\/]assets[\\/]/.test(path.slice(root.length));
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
    cacheControl: false,
  });
}
