import { z } from 'zod';
import {
  ExpiresAfter,
  FileDeleted,
  FileIdParams,
  FileList,
  FileListQuery,
  OpenAIFile,
  UploadPurpose,
} from '../../../shared/schemas/files.js';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { readMultipart } from '../multipart.js';
import { sanitizeFilename } from '../../files/filename.js';
import { discardFile } from '../../storage/atomic-file.js';
import { ApiError, badRequest } from '../errors.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody, 413: ApiErrorBody };

/** Multipart body of `POST /v1/files`, for the OpenAPI document (parsed by `readMultipart`). */
export const CreateFileForm = z.object({
  file: z.string().meta({ format: 'binary' }),
  purpose: UploadPurpose,
  'expires_after[anchor]': z.literal('created_at').optional(),
  'expires_after[seconds]': z.string().optional(),
});

export const fileRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/v1/files',
    { schema: { tags: ['files'], summary: 'Upload a file', response: { 200: OpenAIFile, ...errors } } },
    async (req) => {
      const form = await readMultipart(req, { tmpDir: ctx.dirs.tmpDir, maxFileBytes: ctx.limits.maxFileBytes, fileField: 'file' });
      const file = form.file;
      try {
        if (!file) throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
        const purposeRaw = form.fields.purpose;
        if (purposeRaw === undefined) throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
        const purpose = UploadPurpose.safeParse(purposeRaw);
        if (!purpose.success) {
          throw badRequest(
            `Invalid value for 'purpose': '${purposeRaw}'. Expected one of ${UploadPurpose.options.map((p) => `'${p}'`).join(', ')}.`,
            'purpose',
            'invalid_value',
          );
        }
        const filename = sanitizeFilename(file.filename, 'file');
        if (file.bytes === 0) throw badRequest('The file is empty.', 'file', 'empty_file');
        const expiresAfter = parseExpiresAfter(form.fields);
        return await ctx.files.add(file, { filename, purpose: purpose.data, expiresAfterS: expiresAfter?.seconds ?? null });
      } catch (err) {
        if (file) await discardFile(file.tmpPath);
        throw err;
      }
    },
  );

  app.get(
    '/v1/files',
    { schema: { tags: ['files'], summary: 'List files', querystring: FileListQuery, response: { 200: FileList, ...errors } } },
    async (req) => {
      const { data, has_more, total } = ctx.files.list(req.query);
      return { object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more, total };
    },
  );

  app.get(
    '/v1/files/:file_id',
    { schema: { tags: ['files'], summary: 'Retrieve a file', params: FileIdParams, response: { 200: OpenAIFile, ...errors } } },
    async (req) => ctx.files.require(req.params.file_id, 'file_id'),
  );

  app.delete(
    '/v1/files/:file_id',
    { schema: { tags: ['files'], summary: 'Delete a file', params: FileIdParams, response: { 200: FileDeleted, ...errors } } },
    async (req) => {
      ctx.files.require(req.params.file_id, 'file_id');
      await ctx.files.delete(req.params.file_id);
      return { id: req.params.file_id, object: 'file' as const, deleted: true };
    },
  );

  app.get(
    '/v1/files/:file_id/content',
    {
      schema: {
        tags: ['files'],
        summary: 'Download the content of a file',
        params: FileIdParams,
        response: { 200: z.string().meta({ format: 'binary' }), ...errors },
      },
    },
    async (req, reply) => {
      const { file, stream } = ctx.files.openContent(req.params.file_id);
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', file.bytes)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
      // Streams are piped as they are; the response schema above only documents the body.
      return reply.send(stream as unknown as string);
    },
  );
};

/** `expires_after[anchor]` + `expires_after[seconds]`, as both SDKs send them. */
function parseExpiresAfter(fields: Record<string, string>) {
  const anchor = fields['expires_after[anchor]'];
  const seconds = fields['expires_after[seconds]'];
  if (anchor === undefined && seconds === undefined) return null;
  const parsed = ExpiresAfter.safeParse({ anchor, seconds });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(400, `Invalid 'expires_after[${String(issue.path[0])}]': ${issue.message}`, `expires_after[${String(issue.path[0])}]`, 'invalid_value');
  }
  return parsed.data;
}
