import { rm } from 'node:fs/promises';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { Model, ModelDeleted, ModelList } from '../../../shared/schemas/jobs.js';
import { ApiError, notFound } from '../errors.js';
import type { CoreContext, RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };
const Params = z.object({ model: z.string().min(1).max(1024) });

/** Base models (built-in, seed aliases, prepared local copies) and every fine-tuned model. */
async function allModels(ctx: CoreContext): Promise<Model[]> {
  const out: Model[] = [];
  const seen = new Set<string>();
  const started = Math.floor(Date.now() / 1000);
  for (const e of await ctx.catalog.entries()) {
    seen.add(e.id);
    out.push({ id: e.id, object: 'model', created: started, owned_by: 'hone', kind: e.kind === 'builtin' ? 'builtin' : 'hub', base_model: e.hub_id ?? null, path: e.path });
  }
  // Models prepared or copied into the models dir by hand are listed too.
  if (existsSync(ctx.dirs.modelsDir)) {
    for (const name of readdirSync(ctx.dirs.modelsDir)) {
      const dir = join(ctx.dirs.modelsDir, name);
      if (seen.has(name) || !existsSync(join(dir, 'config.json'))) continue;
      out.push({ id: name, object: 'model', created: Math.floor(statSync(dir).mtimeMs / 1000), owned_by: 'local', kind: 'local', base_model: null, path: dir });
    }
  }
  const rows = ctx.db
    .prepare(`SELECT fine_tuned_model, model, finished_at, output_path FROM jobs WHERE status = 'succeeded' AND fine_tuned_model IS NOT NULL AND output_path IS NOT NULL ORDER BY seq DESC`)
    .all() as Array<{ fine_tuned_model: string; model: string; finished_at: number; output_path: string }>;
  for (const r of rows) {
    out.push({ id: r.fine_tuned_model, object: 'model', created: r.finished_at, owned_by: 'hone', kind: 'fine-tuned', base_model: r.model, path: r.output_path });
  }
  return out;
}

export const modelRoutes: RouteModule = (app, ctx) => {
  app.get('/v1/models', { schema: { tags: ['models'], summary: 'List models', response: { 200: ModelList, ...errors } } }, async () => ({
    object: 'list' as const,
    data: await allModels(ctx),
  }));

  app.get('/v1/models/:model', { schema: { tags: ['models'], summary: 'Retrieve a model', params: Params, response: { 200: Model, ...errors } } }, async (req) => {
    const m = (await allModels(ctx)).find((x) => x.id === req.params.model);
    if (!m) throw notFound('model', req.params.model, 'model');
    return m;
  });

  app.delete('/v1/models/:model', { schema: { tags: ['models'], summary: 'Delete a fine-tuned model (removes its weights)', params: Params, response: { 200: ModelDeleted, ...errors } } }, async (req) => {
    const id = req.params.model;
    const m = (await allModels(ctx)).find((x) => x.id === id);
    if (!m) throw notFound('model', id, 'model');
    if (m.kind !== 'fine-tuned') throw new ApiError(400, `Only fine-tuned models can be deleted; '${id}' is a ${m.kind} model.`, 'model', 'model_not_deletable');
    const job = ctx.db.prepare('SELECT id FROM jobs WHERE fine_tuned_model = ?').get(id) as { id: string };
    ctx.db.prepare('UPDATE jobs SET output_path = NULL WHERE id = ?').run(job.id);
    await rm(join(ctx.jobs.jobDir(job.id), 'output'), { recursive: true, force: true });
    ctx.jobs.store.addEvent(job.id, { message: `Fine-tuned model deleted: ${id}` });
    return { id, object: 'model' as const, deleted: true };
  });
};
