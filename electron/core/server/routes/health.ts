import { HealthResponse } from '../../../shared/schemas/common.js';
import type { RouteModule } from '../types.js';

/** The seed guide's health check (`curl $API_BASE`), with or without a key. */
export const healthRoutes: RouteModule = (app) => {
  for (const url of ['/', '/v1', '/v1/']) {
    app.get(url, { schema: { hide: url !== '/', response: { 200: HealthResponse } } }, async (req, reply) => {
      // A browser opening the server's address gets the app; curl and the SDKs (Accept: */* or JSON) the seed's JSON.
      if (url === '/' && prefersHtml(req.headers.accept)) return reply.redirect('/app/');
      return { 'Hone Server': 'online' as const };
    });
  }
};

/** True when text/html is asked for explicitly and ranked above JSON (what browsers send for a page). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const q = (type: string) => {
    for (const part of accept.split(',')) {
      const [t, ...params] = part.trim().split(';');
      if (t?.trim().toLowerCase() !== type) continue;
      const qp = params.find((p) => p.trim().startsWith('q='));
      return qp ? Number(qp.trim().slice(2)) || 0 : 1;
    }
    return -1;
  };
  const html = q('text/html');
  return html > 0 && html > q('application/json');
}
