/**
 * The editor's view of a fine-tune file (Hone extension): `GET /v1/files/{id}/examples` pages
 * through the per-file example index, `POST /v1/files/{id}/derive` writes a new JSONL file with
 * edits applied (files are immutable).
 */
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { FileIdParams, OpenAIFile } from '../../../shared/schemas/files.js';
import { DeriveFileBody, ExamplePage, ExamplesQuery } from '../../../shared/schemas/datasets.js';
import { examplePage, readOnlyReason } from '../../examples/example-pages.js';
import { deriveContent, derivedFilename, planEdits } from '../../examples/derive-file.js';
import type { IndexHandle } from '../../examples/example-index.js';
import { writeTempFile } from '../../storage/atomic-file.js';
import { sanitizeFilename } from '../../files/filename.js';
import { validationService } from './validation.js';
import { badRequest } from '../errors.js';
import type { CoreContext, RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody, 413: ApiErrorBody };

async function openIndex(ctx: CoreContext, fileId: string): Promise<{ file: OpenAIFile; path: string; index: IndexHandle }> {
  const file = ctx.files.require(fileId, 'file_id');
  const path = ctx.files.contentPath(fileId);
  return { file, path, index: await ctx.examples.open(fileId, path, file.bytes) };
}

export const exampleRoutes: RouteModule = (app, ctx) => {
  // Final once the whole file is indexed (files are immutable); forgotten with the file.
  const readOnly = new Map<string, string | null>();
  ctx.files.onDeleted((id) => void readOnly.delete(id));
  const reasonFor = async (fileId: string, path: string, bytes: number, index: IndexHandle): Promise<string | null> => {
    const known = readOnly.get(fileId);
    if (known !== undefined) return known;
    const final = index.done; // read before: the reason below then saw the whole file
    const reason = await readOnlyReason(path, bytes, index, await validationService(ctx).latest(fileId));
    if (final) readOnly.set(fileId, reason);
    return reason;
  };

  app.get(
    '/v1/files/:file_id/examples',
    {
      schema: {
        tags: ['files'],
        summary: "A page of a dataset's examples",
        description:
          'Examples (JSONL lines or JSON-array elements) by 0-based index, from an index built once per file. While the index builds, pages already indexed are served with `total: null`.',
        params: FileIdParams,
        querystring: ExamplesQuery,
        response: { 200: ExamplePage, ...errors },
      },
    },
    async (req) => {
      const fileId = req.params.file_id;
      const { file, path, index } = await openIndex(ctx, fileId);
      const ro = await reasonFor(fileId, path, file.bytes, index);
      return examplePage({ fileId, path, fileBytes: file.bytes, index, query: req.query, readOnlyReason: ro });
    },
  );

  app.post(
    '/v1/files/:file_id/derive',
    {
      bodyLimit: 64 * 1024 * 1024, // a batch of edited examples can be large
      schema: {
        tags: ['files'],
        summary: 'Create an edited copy of a dataset',
        description:
          'Writes a new fine-tune file: the original with `edits` (by original 0-based example index) applied, always as JSON Lines. Unchanged JSONL lines are copied byte for byte.',
        params: FileIdParams,
        body: DeriveFileBody,
        response: { 200: OpenAIFile, ...errors },
      },
    },
    async (req) => {
      const fileId = req.params.file_id;
      const { file: original, path, index } = await openIndex(ctx, fileId);
      await index.finished();
      if (!index.clean) {
        throw badRequest(`The JSON array is malformed after example ${index.count}; saving it would drop the rest of the file. Fix the file and upload it again.`, 'file_id', 'invalid_file');
      }
      const plan = planEdits(req.body.edits, index.count, req.body.weights);
      const { stem } = derivedFilename(original.filename, []);
      const filename = req.body.filename
        ? sanitizeFilename(req.body.filename, 'filename')
        : derivedFilename(original.filename, ctx.files.filenamesWithPrefix(`${stem}.edited-`)).name;
      const written = await writeTempFile(() => deriveContent(path, index, plan), ctx.dirs.tmpDir);
      return ctx.files.add(written, { filename, purpose: 'fine-tune' });
    },
  );
};
