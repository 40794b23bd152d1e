/**
 * Sends one browser File to the server. Up to 64 MB: one multipart `POST /v1/files`. Above: the
 * Uploads API, parts of ≤ 64 MB read with Blob.slice (the file is never held in memory), 3 in
 * flight, each retried up to 3 times with backoff, then `complete` with the part ids in order.
 * No md5 is sent: the server computes the file's checksum itself while the parts arrive.
 */
import { api } from '@/api';
import { OpenAIFile } from '@shared/schemas/files.js';
import { Upload, UploadPart } from '@shared/schemas/uploads.js';
import { planParts, usesParts } from './upload-plan';
import { runPool, withRetry } from './retry';

export const PART_CONCURRENCY = 3;
export const PART_RETRIES = 3;

export interface UploadHooks {
  /** Bytes of the file sent so far (multipart overhead excluded). */
  onProgress(loaded: number): void;
  /** The Uploads API id, as soon as there is one, so a cancel can reach the server. */
  onUploadId?(id: string): void;
  onRetry?(message: string): void;
  signal: AbortSignal;
}

export function uploadFile(file: File, purpose: string, hooks: UploadHooks): Promise<OpenAIFile> {
  return usesParts(file.size) ? uploadInParts(file, purpose, hooks) : uploadWhole(file, purpose, hooks);
}

/** A request cut off half-way leaves nothing: the server only lists a file once it is fsynced. */
async function uploadWhole(file: File, purpose: string, hooks: UploadHooks): Promise<OpenAIFile> {
  const form = new FormData();
  form.set('purpose', purpose);
  form.set('file', file, file.name);
  return api.send('POST', '/v1/files', form, OpenAIFile, {
    signal: hooks.signal,
    onProgress: (loaded, total) => hooks.onProgress(total > 0 ? Math.min(file.size, (loaded / total) * file.size) : 0),
  });
}

async function uploadInParts(file: File, purpose: string, hooks: UploadHooks): Promise<OpenAIFile> {
  const { signal } = hooks;
  const upload = await api.post('/v1/uploads', Upload, {
    json: { filename: file.name, purpose, bytes: file.size, mime_type: file.type || 'application/octet-stream' },
    signal,
  });
  hooks.onUploadId?.(upload.id);
  const parts = planParts(file.size);
  const sent = new Array<number>(parts.length).fill(0);
  const report = () => hooks.onProgress(sent.reduce((a, b) => a + b, 0));
  try {
    const done = await runPool(parts, PART_CONCURRENCY, (p) =>
      withRetry(
        () => {
          sent[p.index] = 0; // a retried part starts over
          const form = new FormData();
          form.set('data', file.slice(p.start, p.end), file.name);
          return api.send('POST', `/v1/uploads/${encodeURIComponent(upload.id)}/parts`, form, UploadPart, {
            signal,
            onProgress: (loaded, total) => {
              sent[p.index] = total > 0 ? (loaded / total) * (p.end - p.start) : 0;
              report();
            },
          });
        },
        {
          retries: PART_RETRIES,
          baseMs: 1000,
          signal,
          onRetry: (n, e) => hooks.onRetry?.(`Part ${p.index + 1} failed (${e instanceof Error ? e.message : String(e)}); retry ${n} of ${PART_RETRIES}…`),
        },
      ),
    );
    const completed = await api.post(`/v1/uploads/${encodeURIComponent(upload.id)}/complete`, Upload, { json: { part_ids: done.map((d) => d.id) }, signal });
    if (!completed.file) throw new Error('The upload completed without a file.');
    return completed.file;
  } catch (e) {
    // Cancelled or failed for good: drop the pending upload now rather than let it wait out its hour.
    await cancelUpload(upload.id);
    throw e;
  }
}

/** Best effort; keepalive so it also leaves while the page is going away. */
export async function cancelUpload(id: string): Promise<void> {
  try {
    await api.post(`/v1/uploads/${encodeURIComponent(id)}/cancel`, Upload, { keepalive: true });
  } catch {
    /* already completed, cancelled or expired: nothing to clean up */
  }
}
