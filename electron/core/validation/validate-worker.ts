/** Worker-thread entry: validates one file and posts progress and the report to the parent. */
import { parentPort, workerData } from 'node:worker_threads';
import { validateFile, type FileValidationRequest } from './validate-file.js';

export type WorkerMessage =
  | { type: 'progress'; bytes: number }
  | { type: 'done'; report: unknown }
  | { type: 'error'; message: string };

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

validateFile(workerData as FileValidationRequest, (bytes) => post({ type: 'progress', bytes }))
  .then((report) => post({ type: 'done', report }))
  .catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
