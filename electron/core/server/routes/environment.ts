import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { EnvHardwareInfo, EnvironmentStatus, EnvRunBody } from '../../../shared/schemas/environment.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 409: ApiErrorBody };

/**
 * The Python environment (Hone extension): its status, install / repair / reinstall / verify runs
 * with live steps (also pushed as `environment` events on `GET /v1/hone/live`), cancel, and the
 * hardware the installer detects.
 */
export const environmentRoutes: RouteModule = (app, ctx) => {
  const env = ctx.environment;
  app.get(
    '/v1/hone/environment',
    { schema: { tags: ['hone'], summary: 'The Python environment: status, facts, allowed actions, the current and last run', response: { 200: EnvironmentStatus, 401: ApiErrorBody } } },
    async () => env.status(),
  );
  app.post(
    '/v1/hone/environment/runs',
    {
      schema: {
        tags: ['hone'],
        summary: 'Start an install, repair, reinstall or verify of the Python environment',
        description:
          'One run at a time (409 `environment_busy`); install, repair and reinstall wait for running or queued jobs (409 `jobs_running`). ' +
          '`wheelhouse`: a folder with manifest.json or its .tar, for an install with no network (400 with `param: "wheelhouse"` when it is not one). Follow the run on `GET /v1/hone/live`.',
        body: EnvRunBody,
        response: { 202: EnvironmentStatus, ...errors },
      },
    },
    async (req, reply) => reply.code(202).send(await env.start(req.body)),
  );
  app.post(
    '/v1/hone/environment/runs/current/cancel',
    { schema: { tags: ['hone'], summary: "Cancel the current run (stops the installer and pip)", response: { 200: EnvironmentStatus, ...errors } } },
    async () => env.cancel(),
  );
  app.get(
    '/v1/hone/environment/hardware',
    {
      schema: {
        tags: ['hone'],
        summary: "The hardware the installer detects and the torch build `auto` resolves to (cached)",
        response: { 200: EnvHardwareInfo, 401: ApiErrorBody, 503: ApiErrorBody },
      },
    },
    async () => env.hardwareInfo(),
  );
};
