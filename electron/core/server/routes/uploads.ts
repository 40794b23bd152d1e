import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { CompleteUploadBody, CreateUploadBody, Upload, UploadIdParams, UploadPart } from '../../../shared/schemas/uploads.js';
import { MAX_PART_BYTES } from '../../../shared/constants.js';
import { readMultipart } from '../multipart.js';
import { badRequest } from '../errors.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody, 413: ApiErrorBody };

export const uploadRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/v1/uploads',
    { schema: { tags: ['uploads'], summary: 'Create an upload', body: CreateUploadBody, response: { 200: Upload, ...errors } } },
    async (req) => ctx.uploads.create(req.body),
  );

  app.get(
    '/v1/uploads/:upload_id',
    { schema: { tags: ['uploads'], summary: 'Retrieve an upload (Hone extension)', params: UploadIdParams, response: { 200: Upload, ...errors } } },
    async (req) => ctx.uploads.get(req.params.upload_id),
  );

  app.post(
    '/v1/uploads/:upload_id/parts',
    { schema: { tags: ['uploads'], summary: 'Add a part (≤ 64 MB) to an upload', params: UploadIdParams, response: { 200: UploadPart, ...errors } } },
    async (req) => {
      ctx.uploads.assertAcceptsParts(req.params.upload_id); // 404/400 before reading the body
      // The upload store decides where the bytes go (appended to the assembly when it can).
      const form = await readMultipart(req, {
        tmpDir: ctx.dirs.tmpDir,
        maxFileBytes: MAX_PART_BYTES,
        fileField: 'data',
        sink: ctx.uploads.partSink(req.params.upload_id),
      });
      if (!form.file) throw badRequest("Missing required parameter: 'data'.", 'data', 'missing_required_parameter');
      return ctx.uploads.addPart(req.params.upload_id, form.file);
    },
  );

  app.post(
    '/v1/uploads/:upload_id/complete',
    { schema: { tags: ['uploads'], summary: 'Complete an upload', params: UploadIdParams, body: CompleteUploadBody, response: { 200: Upload, ...errors } } },
    async (req) => ctx.uploads.complete(req.params.upload_id, req.body),
  );

  app.post(
    '/v1/uploads/:upload_id/cancel',
    { schema: { tags: ['uploads'], summary: 'Cancel an upload', params: UploadIdParams, response: { 200: Upload, ...errors } } },
    async (req) => ctx.uploads.cancel(req.params.upload_id),
  );
};
