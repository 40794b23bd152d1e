/**
 * A drop-in `DatasetCheck` for job creation (core.ts: `checkDataset: workerDatasetCheck(files, dirs)`):
 * the same checks as `streamingDatasetCheck`, but in a worker thread (the server stays responsive
 * on multi-GB files) with the fast Node codec, and with the job's model's own tokenizer and chat
 * template when that model is in the models dir and the file is small enough for the tokenised
 * pass (~5 MB per CPU-second) to finish in seconds; otherwise token statistics are estimated.
 */
import { statSync } from 'node:fs';
import type { ValidationReport } from '../../shared/schemas/validation.js';
import type { FileStore } from '../files/file-store.js';
import type { DataDir } from '../storage/data-dir.js';
import { ModelNotFoundError, resolveModelDir } from './model-tokenizer.js';
import { validateInWorker } from './run-in-worker.js';

export const TOKENIZED_CHECK_MAX_BYTES = 64 << 20;

export function workerDatasetCheck(files: FileStore, dirs: DataDir) {
  return async (fileId: string, opts: { format: 'chat' | 'preference'; model: string }): Promise<ValidationReport> => {
    const path = files.contentPath(fileId);
    let model: { name: string; dir: string } | undefined;
    if (statSync(path).size <= TOKENIZED_CHECK_MAX_BYTES) {
      try {
        model = { name: opts.model, dir: resolveModelDir(dirs.modelsDir, opts.model) };
      } catch (e) {
        if (!(e instanceof ModelNotFoundError)) throw e; // a hub id or not yet prepared: estimate
      }
    }
    return validateInWorker({ path, format: opts.format, requireMinExamples: true, model });
  };
}
