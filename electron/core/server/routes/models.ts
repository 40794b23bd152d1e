import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { Model, ModelDeleted, ModelList } from '../../../shared/schemas/jobs.js';
import { ApiError } from '../errors.js';
import { ModelListing, ModelNotFound, prepareModel } from '../../models/model-listing.js';
import type { CoreContext, RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody, 503: ApiErrorBody };
// A Hugging Face id has a slash: clients send it encoded (`Qwen%2FQwen2.5-0.5B`) or as two segments.
const Params = z.object({ model: z.string().min(1).max(1024) });
const HubParams = z.object({ org: z.string().min(1).max(256), name: z.string().min(1).max(256) });
const idOf = (p: { model: string } | { org: string; name: string }) => ('model' in p ? p.model : `${p.org}/${p.name}`);

/** The job that keeps a fine-tuned model's weights busy (its benchmark step, or a queued/running benchmark of it), if any. */
function userOf(ctx: CoreContext, id: string): { id: string; status: string } | undefined {
  return ctx.db
    .prepare(
      `SELECT id, status FROM jobs
        WHERE (fine_tuned_model = ? AND benchmark_status = 'running')
           OR (status IN ('queued', 'running', 'validating_files', 'paused') AND json_extract(method, '$.type') = 'benchmark' AND json_extract(method, '$.source_model') = ?)
        ORDER BY seq LIMIT 1`,
    )
    .get(id, id) as { id: string; status: string } | undefined;
}

export const modelRoutes: RouteModule = (app, ctx) => {
  const listing = new ModelListing(ctx);
  const retrieve = async (id: string) => {
    const m = await listing.get(id);
    if (!m) throw new ModelNotFound(id);
    return m;
  };

  app.get(
    '/v1/models',
    {
      schema: {
        tags: ['models'],
        summary: 'List models',
        description: 'Built-in and alias base models, models in the models dir and the HF cache, models downloading, and fine-tuned models, with Hone extras (size, parameters, requirements, status, job_id, can_be_base).',
        response: { 200: ModelList, ...errors },
      },
    },
    async () => ({ object: 'list' as const, data: await listing.list() }),
  );

  const getSchema = {
    tags: ['models'],
    summary: 'Retrieve a model',
    description: 'A Hugging Face id that is not here yet is looked up on the hub (HF_ENDPOINT honoured, 5 s timeout): status not_downloaded, or 404 model_not_found / 403 model_gated / 503 hub_unreachable / 400 hub_offline (HF_HUB_OFFLINE set).',
    response: { 200: Model, ...errors },
  };
  app.get('/v1/models/:model', { schema: { ...getSchema, params: Params } }, async (req) => retrieve(idOf(req.params)));
  app.get('/v1/models/:org/:name', { schema: { ...getSchema, params: HubParams } }, async (req) => retrieve(idOf(req.params)));

  const prepareSchema = {
    tags: ['models'],
    summary: 'Prepare a built-in or download a hub model',
    description: 'Starts building a built-in or downloading a Hugging Face model (202, status preparing/downloading with progress); asking again while it runs answers the same 202 without a second start; a ready model answers 200. Poll GET /v1/models/{model} for progress; a failure stays on the model as `error`.',
    response: { 200: Model, 202: Model, ...errors },
  };
  const prepare = async (id: string, reply: { code(n: number): unknown }) => {
    const { model } = await prepareModel(listing, ctx, id);
    reply.code(model.status === 'preparing' || model.status === 'downloading' ? 202 : 200);
    return model;
  };
  app.post('/v1/models/:model/prepare', { schema: { ...prepareSchema, params: Params } }, async (req, reply) => prepare(idOf(req.params), reply));
  app.post('/v1/models/:org/:name/prepare', { schema: { ...prepareSchema, params: HubParams } }, async (req, reply) => prepare(idOf(req.params), reply));

  app.delete(
    '/v1/models/:model',
    { schema: { tags: ['models'], summary: 'Delete a fine-tuned model (removes its weights)', params: Params, response: { 200: ModelDeleted, ...errors } } },
    async (req) => {
      const id = req.params.model;
      const m = await retrieve(id);
      if (m.kind !== 'fine-tuned') throw new ApiError(400, `Only fine-tuned models can be deleted; '${id}' is a ${m.kind} model.`, 'model', 'model_not_deletable');
      const busy = userOf(ctx, id);
      if (busy) {
        throw new ApiError(409, `The model '${id}' is in use by ${busy.id.startsWith('bench-') ? 'benchmark' : 'job'} ${busy.id} (${busy.status === 'succeeded' ? 'benchmarking' : busy.status}); wait for it to finish or cancel it, then delete the model.`, 'model', 'model_in_use');
      }
      const job = ctx.db.prepare('SELECT id FROM jobs WHERE fine_tuned_model = ?').get(id) as { id: string };
      ctx.db.prepare('UPDATE jobs SET output_path = NULL WHERE id = ?').run(job.id);
      await rm(join(ctx.jobs.jobDir(job.id), 'output'), { recursive: true, force: true });
      ctx.jobs.store.addEvent(job.id, { message: `Fine-tuned model deleted: ${id}` });
      return { id, object: 'model' as const, deleted: true };
    },
  );
};
