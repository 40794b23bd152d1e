/** Model exports (merged, GGUF, LoRA GGUF, Ollama Modelfile): `POST /v1/models/{id}/exports` and friends. */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { CreateExportBody, ExportEventList, ExportFileParams, ExportList, ExportObject, ExportParams } from '../../../shared/schemas/exports.js';
import type { ExportRow, ExportSource } from '../../exports/export-service.js';
import { ModelListing, ModelNotFound } from '../../models/model-listing.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import type { CoreContext, RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };
const tags = ['exports'];
const Params = z.object({ model: z.string().min(1).max(1024) });
const HubParams = z.object({ org: z.string().min(1).max(256), name: z.string().min(1).max(256) });
const idOf = (p: { model: string } | { org: string; name: string }) => ('model' in p ? p.model : `${p.org}/${p.name}`);

export function toExportApi(row: ExportRow, files: { name: string; bytes: number }[]): ExportObject {
  return {
    object: 'hone.export',
    id: row.id,
    model: row.model,
    format: row.format,
    quantization: row.quantization,
    status: row.status,
    progress: row.progress,
    stage: row.stage,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    seconds: row.seconds,
    files: files.map((f) => ({ ...f, url: `/v1/hone/exports/${row.id}/files/${encodeURIComponent(f.name)}` })),
    error: row.error ? (JSON.parse(row.error) as { message: string; code: string | null }) : null,
  };
}

/** The base and adapter behind a model id; 404 for an unknown model. */
async function sourceOf(ctx: CoreContext, listing: ModelListing, id: string): Promise<ExportSource> {
  if (id.startsWith('ft:')) {
    const job = ctx.jobs.store.byFineTunedModel(id);
    if (!job?.output_path) throw new ModelNotFound(id);
    // A full fine-tune's output is a model of its own; a LoRA's is an adapter on the job's base.
    const isAdapter = existsSync(join(job.output_path, 'adapter_config.json'));
    return { model: id, base: isAdapter ? job.model : job.output_path, adapter: isAdapter ? job.output_path : null };
  }
  const m = await listing.get(id);
  if (!m) throw new ModelNotFound(id);
  return { model: id, base: id, adapter: null };
}

export const exportRoutes: RouteModule = (app, ctx) => {
  const svc = ctx.exports;
  svc.attach({ db: ctx.db, modelsDir: ctx.dirs.modelsDir });
  const listing = new ModelListing(ctx);
  const api = (row: ExportRow) => toExportApi(row, svc.files(row));
  const get = (id: string) => {
    const row = svc.get(id);
    if (!row) throw notFound('export', id, 'export_id');
    return row;
  };

  const create = async (model: string, body: CreateExportBody) => {
    const src = await sourceOf(ctx, listing, model);
    const { format } = body;
    const q = body.quantization ?? null;
    if ((format === 'merged' || format === 'lora_gguf') && !src.adapter) {
      throw badRequest(`A ${format} export needs a fine-tuned (LoRA) model; '${model}' has no adapter to ${format === 'merged' ? 'merge' : 'convert'}. Export a base model as gguf or ollama.`, 'model', 'invalid_export');
    }
    if (format === 'merged' && q) throw badRequest('A merged export is safetensors: quantization does not apply.', 'quantization', 'invalid_export');
    if (format === 'lora_gguf' && q && q !== 'f16') throw badRequest('A LoRA GGUF is written as f16.', 'quantization', 'invalid_export');
    let quantization = q;
    if (format !== 'merged') {
      const caps = await svc.capabilities();
      if (!caps.gguf) throw badRequest("GGUF export needs llama.cpp's converter, which this environment lacks; repair the Python environment in Settings.", 'format', 'converter_missing');
      quantization = q ?? (format === 'ollama' ? 'q8_0' : 'f16');
      if (!caps.quantizations.includes(quantization)) {
        throw badRequest(`quantization '${quantization}' needs llama.cpp's compiled quantizer (a llama-quantize binary on PATH or the compiled llama-cpp-python); f16 and q8_0 work without it.`, 'quantization', 'quantization_unavailable');
      }
    }
    const name = body.name ?? (model.replace(/^ft:/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 100) || 'model');
    return api(svc.create(src, format, quantization, name));
  };
  const list = async (model: string) => {
    await sourceOf(ctx, listing, model);
    return { object: 'list' as const, data: svc.listFor(model).map(api) };
  };

  const createSchema = {
    tags,
    summary: 'Export a model (merged, GGUF, LoRA GGUF, Ollama)',
    description: 'Queues an export (one runs at a time). merged and lora_gguf need a fine-tuned model; gguf and ollama take base models too. Follow it with GET /v1/hone/exports/{id} and …/events; download its files from …/files/{name}.',
    body: CreateExportBody,
    response: { 200: ExportObject, ...errors },
  };
  const listSchema = { tags, summary: "List a model's exports, newest first", response: { 200: ExportList, ...errors } };
  app.post('/v1/models/:model/exports', { schema: { ...createSchema, params: Params } }, async (req) => create(idOf(req.params), req.body));
  app.post('/v1/models/:org/:name/exports', { schema: { ...createSchema, params: HubParams } }, async (req) => create(idOf(req.params), req.body));
  app.get('/v1/models/:model/exports', { schema: { ...listSchema, params: Params } }, async (req) => list(idOf(req.params)));
  app.get('/v1/models/:org/:name/exports', { schema: { ...listSchema, params: HubParams } }, async (req) => list(idOf(req.params)));

  app.get('/v1/hone/exports/:export_id', { schema: { tags, summary: 'Retrieve an export', params: ExportParams, response: { 200: ExportObject, ...errors } } }, async (req) => api(get(req.params.export_id)));
  app.get('/v1/hone/exports/:export_id/events', { schema: { tags, summary: "An export's events (progress by stage), oldest first", params: ExportParams, response: { 200: ExportEventList, ...errors } } }, async (req) => {
    get(req.params.export_id);
    return { object: 'list' as const, data: svc.events(req.params.export_id) };
  });
  app.post('/v1/hone/exports/:export_id/cancel', { schema: { tags, summary: 'Cancel a queued or running export', params: ExportParams, response: { 200: ExportObject, ...errors } } }, async (req) => {
    const row = get(req.params.export_id);
    if (row.status !== 'queued' && row.status !== 'running') throw new ApiError(400, `The export ${row.id} has already ${row.status === 'succeeded' ? 'succeeded' : `ended (${row.status})`}.`, 'export_id', 'export_not_cancellable');
    return api(await svc.cancel(row.id));
  });
  app.get(
    '/v1/hone/exports/:export_id/files/:name',
    { schema: { tags, summary: "Download one of an export's files (streamed)", params: ExportFileParams, response: { 200: z.string().meta({ format: 'binary' }), ...errors } } },
    async (req, reply) => {
      const row = get(req.params.export_id);
      const { name } = req.params;
      // Only the names the exporter reported: nothing else in the folder, no path from the client.
      const file = row.status === 'succeeded' ? svc.files(row).find((f) => f.name === name) : undefined;
      if (!file) throw notFound('export file', `${row.id}/${name}`, 'name');
      const path = join(svc.exportDir(row.id), 'files', file.name);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) throw notFound('export file', `${row.id}/${name}`, 'name');
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', info.size)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      return reply.send(createReadStream(path) as unknown as string);
    },
  );
};
