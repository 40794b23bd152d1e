import { HealthResponse } from '../../../shared/schemas/common.js';
import type { RouteModule } from '../types.js';

/** The seed guide's health check (`curl $API_BASE`), with or without a key. */
export const healthRoutes: RouteModule = (app) => {
  for (const url of ['/', '/v1', '/v1/']) {
    app.get(url, { schema: { hide: url !== '/', response: { 200: HealthResponse } } }, async () => ({
      'Hone Server': 'online' as const,
    }));
  }
};
