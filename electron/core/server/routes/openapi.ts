import type { RouteModule } from '../types.js';

type OpenApiDoc = { paths?: Record<string, Record<string, Record<string, unknown>>> };

/** Multipart bodies are parsed by hand (streamed), so their schemas are added to the document here. */
const MULTIPART_BODIES: Record<string, { required: string[]; properties: Record<string, unknown> }> = {
  '/v1/files': {
    required: ['file', 'purpose'],
    properties: {
      file: { type: 'string', format: 'binary' },
      purpose: { type: 'string', enum: ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals', 'embedding'] },
      'expires_after[anchor]': { type: 'string', enum: ['created_at'] },
      'expires_after[seconds]': { type: 'integer', minimum: 3600, maximum: 2592000 },
    },
  },
  '/v1/uploads/{upload_id}/parts': {
    required: ['data'],
    properties: { data: { type: 'string', format: 'binary' } },
  },
};

/** Responses that are not JSON: raw bytes, and server-sent event streams. */
const RAW_RESPONSES: Record<string, Record<string, unknown>> = {
  '/v1/files/{file_id}/content': { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  '/v1/fine_tuning/jobs/{fine_tuning_job_id}/console': { 'text/event-stream': { schema: { type: 'string' } } },
  '/v1/fine_tuning/jobs/{fine_tuning_job_id}/events/stream': { 'text/event-stream': { schema: { type: 'string' } } },
  // A result file as it is on disk: JSON (any shape), a chart, a table.
  '/v1/benchmarks/{benchmark_id}/artifacts/{name}': {
    'application/json': { schema: {} },
    'image/png': { schema: { type: 'string', format: 'binary' } },
    'text/csv': { schema: { type: 'string' } },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  },
  '/v1/hone/exports/{export_id}/files/{name}': { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
};

/** `GET /openapi.json`: generated from the same zod schemas the routes validate with. */
export const openapiRoutes: RouteModule = (app) => {
  app.get('/openapi.json', { schema: { hide: true } }, async (_req, reply) => {
    const doc = structuredClone(app.swagger()) as OpenApiDoc;
    for (const [path, schema] of Object.entries(MULTIPART_BODIES)) {
      const op = doc.paths?.[path]?.post;
      if (op) op.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object', ...schema } } } };
    }
    for (const [path, content] of Object.entries(RAW_RESPONSES)) {
      const ok = doc.paths?.[path]?.get?.responses as Record<string, { content?: unknown }> | undefined;
      if (ok?.['200']) ok['200'].content = content;
    }
    return reply.serializer(JSON.stringify).send(doc);
  });
};
