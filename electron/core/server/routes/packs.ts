import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { PackImport, PackImportList, PackImportParams, PackImportRequest } from '../../../shared/schemas/packs.js';
import { ApiError } from '../errors.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };

/** Offline packs (a model directory, a Hugging Face cache folder, benchmark data) imported from disk. */
export const packRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/v1/hone/packs/imports',
    {
      schema: {
        tags: ['hone'],
        summary: 'Import an offline pack, a model directory or a Hugging Face cache folder from a path on this machine',
        description: 'Checks the path first (400 with param "path", 409 model_exists, 507 disk_full), then copies in the background; poll GET /v1/hone/packs/imports/{id}.',
        body: PackImportRequest,
        response: { 202: PackImport, 409: ApiErrorBody, 507: ApiErrorBody, ...errors },
      },
    },
    async (req, reply) => reply.code(202).send(await ctx.packs.start(req.body.path)),
  );

  app.get(
    '/v1/hone/packs/imports',
    { schema: { tags: ['hone'], summary: 'Pack imports, newest first', response: { 200: PackImportList, ...errors } } },
    async () => ({ object: 'list' as const, data: ctx.packs.list() }),
  );

  app.get(
    '/v1/hone/packs/imports/:id',
    { schema: { tags: ['hone'], summary: 'One pack import with its progress', params: PackImportParams, response: { 200: PackImport, ...errors } } },
    async (req) => {
      const imp = ctx.packs.get(req.params.id);
      if (!imp) throw new ApiError(404, `No such pack import: ${req.params.id}`, 'id', 'not_found');
      return imp;
    },
  );
};
