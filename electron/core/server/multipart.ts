import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { writeTempFile, discardFile, SizeLimitError, type WrittenFile } from '../storage/atomic-file.js';
import { ApiError, badRequest } from './errors.js';

export interface ParsedMultipart {
  /** The one file part, already streamed to a temp file. */
  file: (WrittenFile & { fieldname: string; filename: string; mimetype: string }) | null;
  fields: Record<string, string>;
}

/**
 * Reads a multipart body: plain fields into memory (small, limited), the single file part
 * streamed to a temp file in `tmpDir`. Fields may come before or after the file (the Node SDK
 * sends the file first). On any failure the temp file is removed.
 */
export async function readMultipart(
  req: FastifyRequest,
  opts: { tmpDir: string; maxFileBytes: number; fileField?: string },
): Promise<ParsedMultipart> {
  if (!req.isMultipart()) {
    throw new ApiError(400, 'This endpoint expects a multipart/form-data body.', null, 'invalid_content_type');
  }
  const out: ParsedMultipart = { file: null, fields: {} };
  try {
    for await (const part of req.parts({ limits: { files: 1, fields: 16, fieldSize: 64 * 1024, fileSize: opts.maxFileBytes } })) {
      if (part.type === 'field') {
        out.fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value);
        continue;
      }
      const filePart = part as MultipartFile;
      if (opts.fileField && filePart.fieldname !== opts.fileField) {
        filePart.file.resume();
        throw badRequest(`Unexpected file field '${filePart.fieldname}'; expected '${opts.fileField}'.`, filePart.fieldname);
      }
      const written = await writeTempFile(filePart.file, opts.tmpDir, opts.maxFileBytes);
      // busboy stops at its own fileSize limit and marks the stream truncated instead of failing.
      if (filePart.file.truncated) {
        await discardFile(written.tmpPath);
        throw new SizeLimitError(opts.maxFileBytes);
      }
      out.file = { ...written, fieldname: filePart.fieldname, filename: filePart.filename, mimetype: filePart.mimetype };
    }
  } catch (err) {
    if (out.file) await discardFile(out.file.tmpPath);
    if (err instanceof SizeLimitError || (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new ApiError(413, `The file is larger than the limit of ${opts.maxFileBytes} bytes.`, 'file', 'file_too_large');
    }
    throw err;
  }
  return out;
}
