import { badRequest } from '../server/errors.js';

/**
 * The name a client gave its file, reduced to a display name: path parts are dropped (the
 * name never reaches the filesystem anyway; files are stored by id), control characters refused.
 */
export function sanitizeFilename(raw: string | undefined, param = 'file'): string {
  if (raw === undefined || raw === '') throw badRequest('The file part must carry a filename.', param);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    throw badRequest('The filename must not contain NUL or control characters.', param, 'invalid_filename');
  }
  const base = raw.split(/[\\/]/).pop()!.trim();
  if (base === '' || base === '.' || base === '..') {
    throw badRequest(`The filename ${JSON.stringify(raw)} has no usable name.`, param, 'invalid_filename');
  }
  if (Buffer.byteLength(base) > 512) throw badRequest('The filename is longer than 512 bytes.', param, 'invalid_filename');
  return base;
}
