/**
 * Dataset validation: the seed's `POST /v1/val_dataset?file_id=ID` (empty body) and
 * `GET /v1/files/{id}/validation` for the latest report. Registering this module also hooks new
 * fine-tune files so their status goes `uploaded` → `processed` / `error`.
 */
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { FileIdParams } from '../../../shared/schemas/files.js';
import { DatasetFormat, ValDatasetResponse } from '../../../shared/schemas/validation.js';
import { ValidationService } from '../../validation/validation-service.js';
import { ModelNotFoundError } from '../../validation/model-tokenizer.js';
import { ApiError } from '../errors.js';
import type { CoreContext, RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };

export const ValDatasetQuery = z.object({
  file_id: z.string().min(1).max(512),
  /** A model under `<dataDir>/models/` whose tokenizer and chat template count the tokens. */
  model: z.string().min(1).max(512).optional(),
  /** Enforce a format instead of detecting it (supervised → chat, dpo → preference). */
  format: DatasetFormat.optional(),
});

const services = new WeakMap<CoreContext, ValidationService>();

/** One service per core, shared by everything that registers against it. */
export function validationService(ctx: CoreContext): ValidationService {
  let s = services.get(ctx);
  if (!s) {
    s = new ValidationService(ctx.files, ctx.dirs);
    ctx.files.onCreated(s.onFileCreated);
    services.set(ctx, s);
  }
  return s;
}

/** Unknown models are 404s that say which models exist, like an unknown file. */
export async function mapModelErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ModelNotFoundError) throw new ApiError(404, e.message, 'model', 'model_not_found');
    throw e;
  }
}

export const validationRoutes: RouteModule = (app, ctx) => {
  const service = validationService(ctx);
  app.addHook('onClose', async () => service.close());

  app.post(
    '/v1/val_dataset',
    {
      schema: {
        tags: ['files'],
        summary: 'Validate a fine-tuning dataset',
        description:
          'Checks a stored file line by line (JSONL or a JSON array; chat, preference or prompt/completion format). `errors` is exactly ["No errors found"] for a clean file, else one readable line per problem. With `model`, token statistics use that model\'s own tokenizer and chat template.',
        querystring: ValDatasetQuery,
        response: { 200: ValDatasetResponse, ...errors },
      },
    },
    async (req) =>
      mapModelErrors(async () => {
        ctx.files.require(req.query.file_id, 'file_id');
        // A built-in listed in /v1/models but not prepared yet is prepared first (once), then used.
        if (req.query.model) await ctx.preparer.ensure(req.query.model);
        return service.validate(req.query.file_id, { model: req.query.model, format: req.query.format });
      }),
  );

  app.get(
    '/v1/files/:file_id/validation',
    {
      schema: {
        tags: ['files'],
        summary: "A file's latest validation report",
        description: 'Validates the file first when it has never been validated.',
        params: FileIdParams,
        response: { 200: ValDatasetResponse, ...errors },
      },
    },
    async (req) => mapModelErrors(() => service.latestOrValidate(req.params.file_id)),
  );
};
