import { createReadStream } from 'node:fs';
import { validateChunks } from '../../shared/validation/index.js';
import type { FileStore } from '../files/file-store.js';
import type { DatasetCheck } from './job-service.js';

/**
 * Validates a job's dataset before it is queued: the method decides the format, and OpenAI's
 * minimum of 10 examples is an error here (it is only a warning when merely validating a file).
 */
export function streamingDatasetCheck(files: FileStore): DatasetCheck {
  return async (fileId, { format }) =>
    validateChunks(createReadStream(files.contentPath(fileId), { highWaterMark: 1 << 20 }), { format, requireMinExamples: true });
}
