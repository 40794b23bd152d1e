import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import type { LiveJobUpdate } from '../../../shared/schemas/system.js';
import { systemMonitor } from '../../system/system-status.js';
import { ApiError } from '../errors.js';
import { SseStream, sleep } from '../sse.js';
import type { RouteModule } from '../types.js';

/** Per job at most one update per this many ms; changes meanwhile are folded into the next one. */
const JOB_COALESCE_MS = 250;
/** The system status is rebuilt this often and sent when it changed. */
const SYSTEM_EVERY_MS = 2_000;
const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /v1/hone/live` (SSE, Hone extension): the app's one live stream. Events:
 * - `hello` once per connection (a client that sees a second one has reconnected and refetches);
 * - `system`: SystemStatus, on connect and then whenever it changed (checked every 2 s);
 * - `job`: LiveJobUpdate — a job or benchmark as its GET returns it, whenever its row, its events
 *   or its place in the queue change (at most ~4 a second per job);
 * - `environment`: EnvironmentStatus (as GET /v1/hone/environment) whenever it changes — an installer
 *   run's steps, progress and log (at most ~4 a second).
 * Nothing to resume: a reconnecting client gets the current state again.
 */
export const liveRoutes: RouteModule = (app, ctx) => {
  const jobs = ctx.jobs;
  const update = (id: string): LiveJobUpdate | null => {
    const row = jobs.store.get(id);
    if (!row) return null;
    return id.startsWith('bench-') ? { kind: 'benchmark', job: jobs.toBenchmarkApi(row) } : { kind: 'job', job: jobs.toApi(row) };
  };

  app.get(
    '/v1/hone/live',
    {
      schema: {
        tags: ['hone'],
        summary: 'The live stream of jobs, system status and the Python environment (SSE; events hello, system, job, environment)',
        description: 'Send `Accept: text/event-stream` (an endless stream; other clients get a 406).',
        response: { 200: z.string(), 401: ApiErrorBody, 406: ApiErrorBody },
      },
    },
    async (req, reply) => {
      // Only for SSE readers: a client that expects one JSON answer would wait forever.
      if (!/\btext\/event-stream\b/.test(req.headers.accept ?? '')) {
        throw new ApiError(406, "GET /v1/hone/live is a Server-Sent Events stream: send 'Accept: text/event-stream' (e.g. curl -N -H 'Accept: text/event-stream' …).", null, 'not_acceptable');
      }
      const monitor = systemMonitor(ctx);
      const keyAtConnect = ctx.apiKey.key;
      const sse = new SseStream(reply);
      const dirty = new Set<string>();
      let wake: (() => void) | null = null;
      const offChange = jobs.store.onChange((id) => {
        dirty.add(id);
        wake?.();
      });
      const unwatch = monitor.watch();
      let envDirty = false;
      const offEnv = ctx.environment.onChange(() => {
        envDirty = true;
        wake?.();
      });
      reply.raw.on('close', () => wake?.());
      let lastSystem = '';
      let systemAt = 0;
      let aliveAt = Date.now();
      let queue = new Map<string, string>(); // job id → position and reason last sent
      try {
        await sse.send('hello', JSON.stringify({ object: 'hone.live', connected_at: Math.floor(Date.now() / 1000) }));
        while (!sse.isClosed) {
          // A rotated key ends the stream: the client's reconnect with the old key then gets its 401.
          if (ctx.apiKey.key !== keyAtConnect) break;
          if (Date.now() - systemAt >= SYSTEM_EVERY_MS) {
            systemAt = Date.now();
            const status = await monitor.status();
            // A job whose place or reason in the queue moved changed too, though its row did not.
            const next = new Map(status.gpus.queue.map((q) => [q.job_id, `${q.position}|${q.reason}`]));
            for (const [id, v] of next) if (queue.get(id) !== v) dirty.add(id);
            for (const id of queue.keys()) if (!next.has(id)) dirty.add(id);
            queue = next;
            const text = JSON.stringify(status);
            if (text !== lastSystem) {
              await sse.send('system', text);
              lastSystem = text;
              aliveAt = Date.now();
            }
          }
          if (dirty.size > 0) {
            const ids = [...dirty];
            dirty.clear();
            for (const id of ids) {
              const u = update(id);
              if (u) await sse.send('job', JSON.stringify(u));
            }
            aliveAt = Date.now();
          }
          if (envDirty) {
            envDirty = false;
            await sse.send('environment', JSON.stringify(await ctx.environment.status()));
            aliveAt = Date.now();
          }
          if (Date.now() - aliveAt >= KEEP_ALIVE_MS) {
            sse.comment('keep-alive');
            aliveAt = Date.now();
          }
          await sleep(JOB_COALESCE_MS);
          if (dirty.size === 0 && !envDirty && !sse.isClosed) {
            await Promise.race([new Promise<void>((r) => (wake = r)), sleep(Math.max(0, SYSTEM_EVERY_MS - (Date.now() - systemAt)))]);
            wake = null;
          }
        }
      } finally {
        offChange();
        offEnv();
        unwatch();
        sse.end();
      }
    },
  );
};
