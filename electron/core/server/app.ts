import Fastify from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomBytes } from 'node:crypto';
import { ApiError, errorHandler } from './errors.js';
import { registerSecurity, type SecurityOptions } from './security.js';
import { healthRoutes } from './routes/health.js';
import { fileRoutes } from './routes/files.js';
import { uploadRoutes } from './routes/uploads.js';
import { openapiRoutes } from './routes/openapi.js';
import { jobRoutes } from './routes/jobs.js';
import { modelRoutes } from './routes/models.js';
import { systemRoutes } from './routes/system.js';
import { validationRoutes } from './routes/validation.js';
import { benchmarkRoutes } from './routes/benchmarks.js';
import { exampleRoutes } from './routes/examples.js';
import { validationRunRoutes } from './routes/validation-runs.js';
import { sampleRoutes } from './routes/samples.js';
import { settingsRoutes } from './routes/settings.js';
import { tokenizerRoutes } from './routes/tokenizer.js';
import { appUiRoutes } from './routes/app-ui.js';
import { estimateRoutes } from './routes/estimate.js';
import { mlflowProxyRoutes } from './routes/mlflow-proxy.js';
import { liveRoutes } from './routes/live.js';
import { environmentRoutes } from './routes/environment.js';
import { packRoutes } from './routes/packs.js';
import { chatRoutes } from './routes/chat.js';
import { exportRoutes } from './routes/exports.js';
import type { App, CoreContext, RouteModule } from './types.js';

/** Every resource's routes; add a module here to expose it. */
const ROUTES: RouteModule[] = [healthRoutes, fileRoutes, uploadRoutes, validationRoutes, validationRunRoutes, exampleRoutes, jobRoutes, benchmarkRoutes, tokenizerRoutes, modelRoutes, sampleRoutes, settingsRoutes, systemRoutes, estimateRoutes, liveRoutes, environmentRoutes, packRoutes, mlflowProxyRoutes, chatRoutes, exportRoutes, openapiRoutes];

export interface AppOptions {
  security: SecurityOptions;
  logger?: boolean | object;
  /** The built renderer served at /app/ (default: out/renderer of this checkout). */
  rendererDir?: string;
}

/** Builds the HTTP API on top of a core context. Does not listen. */
export async function buildApp(ctx: CoreContext, opts: AppOptions): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId: () => `req_${randomBytes(12).toString('hex')}`,
    requestIdHeader: false,
    bodyLimit: 4 * 1024 * 1024, // JSON bodies; file content goes through multipart streams
    requestTimeout: 0, // multi-GB uploads must not be cut off
    routerOptions: { maxParamLength: 8192 }, // long ids get a 400 from the schema, not a 414
    // Errors raised before routing (bad URL encoding, over-long params) use the envelope too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req) => {
    throw new ApiError(404, `Unknown request URL: ${req.method} ${req.url.split('?')[0]}.`, null, 'unknown_url');
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  registerSecurity(app, opts.security);

  // JSON: an empty body (the Python SDK sends `Content-Type: application/json` on body-less
  // POSTs such as cancel) is no body, not a parse error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new ApiError(400, `We could not parse the JSON body of your request: ${(err as Error).message}`, null, 'invalid_json'), undefined);
    }
  });
  // Body-less POSTs from clients that send some other content type must still work.
  app.addContentTypeParser('*', (req, payload, done) => {
    let size = 0;
    payload.on('data', (c: Buffer) => (size += c.length));
    payload.on('end', () => (size === 0 ? done(null, undefined) : done(new ApiError(415, `Unsupported content type '${req.headers['content-type']}'.`, null, 'unsupported_media_type'), undefined)));
    payload.on('error', (e) => done(e, undefined));
  });

  await app.register(multipart, { limits: { fileSize: ctx.limits.maxFileBytes } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Hone API', version: '1', description: 'OpenAI-compatible fine-tuning service (Files, Uploads, Fine-tuning, Models) plus Hone extensions.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  for (const routes of ROUTES) await routes(app as App, ctx);
  await appUiRoutes(app as App, { rendererDir: opts.rendererDir });
  return app as App;
}
