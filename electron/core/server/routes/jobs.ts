import { open, stat, type FileHandle } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import {
  CreateJobBody,
  FineTuningJob,
  JobCheckpointList,
  JobEventList,
  JobIdParams,
  JobList,
  JOB_STATUSES,
  TERMINAL_STATUSES,
  type JobStatus,
} from '../../../shared/schemas/jobs.js';
import { ApiError } from '../errors.js';
import { SseStream, resumeFrom, sleep } from '../sse.js';
import { utf8Boundary } from '../utf8.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };
const tags = ['fine-tuning'];
const JOBS = '/v1/fine_tuning/jobs';

const ListQuery = z
  .object({
    after: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** Hone extension: only jobs with these statuses (comma-separated). */
    status: z.string().max(200).optional(),
  })
  .catchall(z.string());
const EventsQuery = z.object({ after: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });
const CheckpointsQuery = z.object({ after: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(100).default(10) });
const ConsoleQuery = z.object({ offset: z.coerce.number().int().min(0).optional() });
const StreamQuery = z.object({ after_seq: z.coerce.number().int().min(0).optional() });

function statusFilter(q: unknown): Set<JobStatus> | null {
  if (q === undefined || q === '') return null;
  const wanted = String(q).split(',').map((x) => x.trim()).filter(Boolean);
  const bad = wanted.find((x) => !(JOB_STATUSES as readonly string[]).includes(x));
  if (bad !== undefined) throw new ApiError(400, `Unknown job status '${bad}' in 'status'; use one or more of ${JOB_STATUSES.join(', ')}, separated by commas.`, 'status', 'invalid_status');
  return new Set(wanted as JobStatus[]);
}

/** `metadata[k]=v` query pairs as both SDKs send them; `metadata=null` = jobs without metadata. */
function metadataFilter(q: Record<string, unknown>): Record<string, string> | null | undefined {
  if (q.metadata === 'null') return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m && typeof v === 'string') out[m[1]!] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

export const jobRoutes: RouteModule = (app, ctx) => {
  const jobs = ctx.jobs;
  const api = (id: string) => jobs.toApi(jobs.store.require(id));

  app.post(JOBS, { schema: { tags, summary: 'Create a fine-tuning job', body: CreateJobBody, response: { 200: FineTuningJob, ...errors } } }, async (req) =>
    jobs.toApi(await jobs.create(req.body)),
  );

  const list = (defaultLimit: number, maxLimit: number) => async (req: { query: z.infer<typeof ListQuery> }) => {
    const limit = Math.min(req.query.limit ?? defaultLimit, maxLimit);
    const { rows, has_more } = listJobs(req.query.after, limit, metadataFilter(req.query), statusFilter(req.query.status));
    return { object: 'list' as const, data: rows.map((r) => jobs.toApi(r)), has_more };
  };

  /**
   * `status=running,queued` (Hone extension, the Jobs view's filter): the store's newest-first
   * pages, kept to the matching jobs, until `limit` of them are found.
   */
  function listJobs(after: string | undefined, limit: number, metadata: Record<string, string> | null | undefined, statuses: Set<JobStatus> | null) {
    if (!statuses) return jobs.store.list({ after, limit, metadata });
    const rows: ReturnType<typeof jobs.store.list>['rows'] = [];
    let cursor = after;
    for (;;) {
      const page = jobs.store.list({ after: cursor, limit: 100, metadata });
      for (const r of page.rows) {
        if (!statuses.has(r.status)) continue;
        if (rows.length === limit) return { rows, has_more: true };
        rows.push(r);
      }
      if (!page.has_more) return { rows, has_more: false };
      cursor = page.rows.at(-1)!.id;
    }
  }
  app.get(JOBS, { schema: { tags, summary: 'List fine-tuning jobs, newest first', querystring: ListQuery, response: { 200: JobList, ...errors } } }, list(20, 100));

  app.get(`${JOBS}/:fine_tuning_job_id`, { schema: { tags, summary: 'Retrieve a job', params: JobIdParams, response: { 200: FineTuningJob, ...errors } } }, async (req) =>
    api(req.params.fine_tuning_job_id),
  );

  for (const [verb, fn] of [
    ['cancel', (id: string) => jobs.cancel(id)],
    ['pause', (id: string) => jobs.pause(id)],
    ['resume', (id: string) => jobs.resume(id)],
  ] as const) {
    app.post(`${JOBS}/:fine_tuning_job_id/${verb}`, { schema: { tags, summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a job`, params: JobIdParams, response: { 200: FineTuningJob, ...errors } } }, async (req) =>
      jobs.toApi(fn(req.params.fine_tuning_job_id)),
    );
  }

  const events = async (req: { params: { fine_tuning_job_id: string }; query: { after?: string; limit: number } }) => {
    jobs.store.require(req.params.fine_tuning_job_id);
    return { object: 'list' as const, ...jobs.store.events(req.params.fine_tuning_job_id, req.query) };
  };
  app.get(`${JOBS}/:fine_tuning_job_id/events`, { schema: { tags, summary: "List a job's events, newest first", params: JobIdParams, querystring: EventsQuery, response: { 200: JobEventList, ...errors } } }, events);

  app.get(
    `${JOBS}/:fine_tuning_job_id/checkpoints`,
    { schema: { tags, summary: "List a job's checkpoints, newest first", params: JobIdParams, querystring: CheckpointsQuery, response: { 200: JobCheckpointList, ...errors } } },
    async (req) => {
      const id = req.params.fine_tuning_job_id;
      const job = jobs.store.require(id);
      const { rows, has_more } = jobs.store.checkpoints(id, req.query);
      const data = rows.map((c) => ({
        id: c.id,
        object: 'fine_tuning.job.checkpoint' as const,
        created_at: c.created_at,
        fine_tuned_model_checkpoint: `ft:${job.model}:hone:${job.suffix ?? ''}:${id}:ckpt-step-${c.step}`,
        fine_tuning_job_id: id,
        step_number: c.step,
        metrics: JSON.parse(c.metrics) as Record<string, number | null>,
      }));
      return { object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more };
    },
  );

  // ---- live streams (Hone extensions): SSE, bearer auth, resumable ----------------------------

  app.get(
    `${JOBS}/:fine_tuning_job_id/console`,
    { schema: { tags, summary: "Follow a job's console (SSE; resumable from a byte offset)", params: JobIdParams, querystring: ConsoleQuery, response: { 200: z.string(), ...errors } } },
    async (req, reply) => {
      const id = req.params.fine_tuning_job_id;
      jobs.store.require(id);
      const file = jobs.consoleFile(id);
      let offset = resumeFrom(req, req.query.offset);
      const sse = new SseStream(reply);
      const buf = Buffer.alloc(256 * 1024);
      let wake: (() => void) | null = null;
      let unsubscribe = jobs.onOutput(id, () => wake?.());
      let fh: FileHandle | null = null; // opened once the console exists (a queued job has none yet)
      try {
        while (!sse.isClosed) {
          let n = 0;
          if (!fh && existsSync(file)) fh = await open(file, 'r');
          if (fh) ({ bytesRead: n } = await fh.read(buf, 0, buf.length, offset));
          // Whole characters only: the id (the byte offset after the chunk) must be a character
          // boundary, so a client resuming there decodes the rest exactly (see utf8.ts).
          const whole = utf8Boundary(buf, n);
          if (whole > 0) {
            offset += whole;
            // One event per read: output is batched however fast the trainer prints.
            await sse.send('output', JSON.stringify(buf.toString('utf8', 0, whole)), offset);
            continue;
          }
          const row = jobs.store.get(id);
          // Ends once the job is over (or paused); a queued job's console is still to come.
          if (!jobs.isLive(id) && row && (TERMINAL_STATUSES.includes(row.status) || row.status === 'paused')) {
            // Bytes of a character the trainer never finished: sent as they decode (U+FFFD).
            if (n > 0) await sse.send('output', JSON.stringify(buf.toString('utf8', 0, n)), (offset += n));
            await sse.send('end', JSON.stringify({ status: row.status, offset }), offset);
            break;
          }
          // Subscribe again: the job's process changes when its benchmark step follows training.
          unsubscribe();
          unsubscribe = jobs.onOutput(id, () => wake?.());
          await Promise.race([new Promise<void>((r) => (wake = r)), sleep(1_000)]);
          wake = null;
          sse.comment('keep-alive');
        }
      } finally {
        unsubscribe();
        await fh?.close();
        sse.end();
      }
    },
  );

  // The whole console as it is now, streamed from disk (the job page's Download): the exact bytes
  // the trainer printed, carriage-return progress bars included.
  app.get(
    `${JOBS}/:fine_tuning_job_id/console.txt`,
    {
      schema: {
        tags,
        summary: "Download a job's console (plain text, as printed so far)",
        params: JobIdParams,
        response: { 200: z.string().meta({ description: 'The console bytes (text/plain; charset=utf-8).' }), ...errors },
      },
    },
    async (req, reply) => {
      const id = req.params.fine_tuning_job_id;
      jobs.store.require(id);
      const file = jobs.consoleFile(id);
      const size = existsSync(file) ? (await stat(file)).size : 0;
      reply
        .type('text/plain; charset=utf-8')
        .header('content-length', size)
        .header('content-disposition', `attachment; filename="${id}-console.txt"`)
        .header('cache-control', 'no-store');
      // Up to the size seen now: a running job's console keeps growing while it is sent.
      // A stream bypasses the response serializer (the schema above only documents the body).
      return reply.send((size > 0 ? createReadStream(file, { start: 0, end: size - 1 }) : '') as string);
    },
  );

  app.get(
    `${JOBS}/:fine_tuning_job_id/events/stream`,
    { schema: { tags, summary: "Follow a job's events (SSE, oldest first; resumable with after_seq or Last-Event-ID)", params: JobIdParams, querystring: StreamQuery, response: { 200: z.string(), ...errors } } },
    async (req, reply) => {
      const id = req.params.fine_tuning_job_id;
      jobs.store.require(id);
      let after = resumeFrom(req, req.query.after_seq);
      const sse = new SseStream(reply);
      try {
        while (!sse.isClosed) {
          const batch = jobs.store.eventsSince(id, after);
          for (const { seq, event } of batch) {
            await sse.send('event', JSON.stringify(event), seq);
            after = seq;
          }
          if (batch.length > 0) continue;
          const row = jobs.store.get(id);
          if (row && TERMINAL_STATUSES.includes(row.status) && !jobs.isLive(id)) {
            await sse.send('end', JSON.stringify({ status: row.status }), after);
            break;
          }
          await sleep(500);
        }
      } finally {
        sse.end();
      }
    },
  );

  // ---- the seed guide's paths, with OpenAI-shaped answers --------------------------------------
  for (const prefix of ['/v1/finetune-jobs', '/finetune-jobs']) {
    app.get(prefix, { schema: { hide: true, querystring: ListQuery, response: { 200: JobList, ...errors } } }, list(3, 10));
    app.get(`${prefix}/:fine_tuning_job_id/events`, {
      schema: { hide: true, params: JobIdParams, querystring: EventsQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }), response: { 200: JobEventList, ...errors } },
    }, events);
    app.post(`${prefix}/:fine_tuning_job_id/cancel`, { schema: { hide: true, params: JobIdParams, response: { 200: FineTuningJob, ...errors } } }, async (req) =>
      jobs.toApi(jobs.cancel(req.params.fine_tuning_job_id)),
    );
  }
};
