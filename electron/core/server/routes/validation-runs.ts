/**
 * Background dataset validation (Hone extension): start a run, poll its progress, cancel it, list
 * a file's runs. The seed's synchronous `POST /v1/val_dataset` stays in validation.ts.
 */
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { FileIdParams } from '../../../shared/schemas/files.js';
import { CreateValidationRunBody, ValidationRun } from '../../../shared/schemas/validation.js';
import { ValidationRuns } from '../../validation/validation-runs.js';
import { mapModelErrors, validationService } from './validation.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };
const RunParams = z.object({ validation_id: z.string().min(1).max(512) });
const RunList = z.object({ object: z.literal('list'), data: z.array(ValidationRun) }).meta({ id: 'ListValidationRunsResponse' });

export const validationRunRoutes: RouteModule = (app, ctx) => {
  const runs = new ValidationRuns(ctx.files, validationService(ctx), ctx.preparer);
  app.addHook('onClose', async () => runs.close());

  app.post(
    '/v1/files/:file_id/validations',
    {
      // SDKs send body-less POSTs; that means "no options".
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) req.body = {};
      },
      schema: {
        tags: ['files'],
        summary: 'Start a background validation of a file',
        description: 'Answers 202 at once; poll `GET /v1/validations/{id}`. With a built-in `model` that is not prepared yet the run starts in `preparing_model`.',
        params: FileIdParams,
        body: CreateValidationRunBody,
        response: { 202: ValidationRun, ...errors },
      },
    },
    async (req, reply) => {
      reply.code(202);
      return mapModelErrors(() => runs.create(req.params.file_id, req.body));
    },
  );

  app.get(
    '/v1/files/:file_id/validations',
    { schema: { tags: ['files'], summary: "A file's background validation runs, newest first", params: FileIdParams, response: { 200: RunList, ...errors } } },
    async (req) => ({ object: 'list' as const, data: runs.listForFile(req.params.file_id) }),
  );

  app.get(
    '/v1/validations/:validation_id',
    { schema: { tags: ['files'], summary: 'A background validation run', params: RunParams, response: { 200: ValidationRun, ...errors } } },
    async (req) => runs.get(req.params.validation_id),
  );

  app.post(
    '/v1/validations/:validation_id/cancel',
    { schema: { tags: ['files'], summary: 'Cancel a background validation run', params: RunParams, response: { 200: ValidationRun, ...errors } } },
    async (req) => runs.cancel(req.params.validation_id),
  );
};
