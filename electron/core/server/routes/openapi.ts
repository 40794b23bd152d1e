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

/**
 * One server-sent event as a client parses it (OpenAPI 3.1 has no `itemSchema`: for an event stream
 * the schema describes each event, as validators such as Schemathesis read it). `data` is JSON text.
 */
const sseEvent = (events?: string[]) => ({
  schema: {
    type: 'object',
    required: ['data'],
    properties: {
      event: events ? { type: 'string', enum: events } : { type: 'string' },
      data: { type: 'string', contentMediaType: 'application/json' },
      id: { type: 'string' },
      retry: { type: 'integer' },
    },
  },
});

/** Responses that are not JSON (raw bytes, text, server-sent event streams), by path and method. */
const RAW_RESPONSES: Record<string, Record<string, unknown>> = {
  '/v1/files/{file_id}/content': { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  '/v1/fine_tuning/jobs/{fine_tuning_job_id}/console': { 'text/event-stream': sseEvent() },
  '/v1/fine_tuning/jobs/{fine_tuning_job_id}/console.txt': { 'text/plain': { schema: { type: 'string' } } },
  '/v1/fine_tuning/jobs/{fine_tuning_job_id}/events/stream': { 'text/event-stream': sseEvent() },
  '/v1/hone/live': { 'text/event-stream': sseEvent() },
  // A result file as it is on disk: JSON (any shape), a chart, a table.
  '/v1/benchmarks/{benchmark_id}/artifacts/{name}': {
    'application/json': { schema: {} },
    'image/png': { schema: { type: 'string', format: 'binary' } },
    'text/csv': { schema: { type: 'string' } },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  },
  '/v1/hone/exports/{export_id}/files/{name}': { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
};

/** JSON answers that become an event stream with `stream: true` (the JSON one stays documented). */
const STREAMED_POSTS = ['/v1/chat/completions', '/v1/hone/chat/compare'];

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
    for (const path of STREAMED_POSTS) {
      const ok = (doc.paths?.[path]?.post?.responses as Record<string, { content?: Record<string, unknown> }> | undefined)?.['200'];
      if (ok) ok.content = { ...ok.content, 'text/event-stream': sseEvent() };
    }
    return reply.serializer(JSON.stringify).send(doc);
  });
};
