/**
 * Runs validateFile in a worker thread so a multi-GB validation never blocks the server's event
 * loop. From a build the worker is the sibling .js. From sources (tsx, Vitest) it is the .ts file,
 * loaded through tsx's require hook: Node 20 does not carry ESM loader hooks into worker threads,
 * while a CommonJS require hook registered inside the worker works everywhere.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ValidationReport } from '../../shared/schemas/validation.js';
import type { FileValidationRequest } from './validate-file.js';
import type { WorkerMessage } from './validate-worker.js';

function workerEntry(): { entry: URL | string; eval: boolean } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './validate-worker.ts' : './validate-worker.js', import.meta.url);
  if (!fromSource) return { entry: url, eval: false };
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const code = `require(${JSON.stringify(tsxCjs)}).register(); require(${JSON.stringify(fileURLToPath(url))});`;
  return { entry: code, eval: true };
}

/**
 * The validator keeps one example alive at a time, so a small young generation (the default is
 * 3 x 16 MB) keeps RSS flat whatever the file size at no measurable speed cost; the old-generation
 * cap is a safety net for pathological single lines (bench/validate runs its passes with the same
 * limits: --max-semi-space-size=4 --max-old-space-size=512).
 */
export const VALIDATION_HEAP = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 512 };

export interface WorkerRunOptions {
  onProgress?: (bytes: number) => void;
  signal?: AbortSignal;
}

export function validateInWorker(req: FileValidationRequest, opts: WorkerRunOptions = {}): Promise<ValidationReport> {
  const { entry, eval: isEval } = workerEntry();
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, {
      eval: isEval,
      workerData: req,
      resourceLimits: VALIDATION_HEAP,
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => finish(() => reject(new Error('validation cancelled')));
    opts.signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.bytes);
      else if (m.type === 'done') finish(() => resolve(ValidationReport.parse(m.report)));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`validation worker exited with code ${code}`))));
  });
}
