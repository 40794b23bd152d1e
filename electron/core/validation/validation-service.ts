/**
 * Dataset validation for stored files: runs the validator in worker threads (bounded concurrency,
 * one run per file+model at a time), keeps the latest report per file under
 * `<dataDir>/validations/`, and moves new fine-tune files from `uploaded` to `processed` / `error`.
 */
import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { NO_ERRORS_LINE, ValDatasetResponse, type DatasetFormat, type ValidationReport } from '../../shared/schemas/validation.js';
import type { OpenAIFile } from '../../shared/schemas/files.js';
import type { FileStore } from '../files/file-store.js';
import type { DataDir } from '../storage/data-dir.js';
import { nowSeconds } from '../ids.js';
import { DatasetValidator } from '../../shared/validation/index.js';
import { resolveModelDir } from './model-tokenizer.js';
import { validateInWorker } from './run-in-worker.js';
import { validateFile, type FileValidationRequest } from './validate-file.js';

/** Estimate-only validation of files up to this size runs inline: ~10 ms, less than a worker start. */
const INLINE_MAX_BYTES = 1 << 20;

export interface ValidateRequest {
  model?: string;
  format?: DatasetFormat;
  /** Job creation: fewer than 10 examples is an error, not just a warning. */
  requireMinExamples?: boolean;
}

export class ValidationService {
  private readonly dir: string;
  private readonly inflight = new Map<string, Promise<ValDatasetResponse>>();
  private readonly aborts = new Set<AbortController>();
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private readonly maxRunning = Math.max(1, Math.min(4, availableParallelism() - 1));
  private closed = false;

  constructor(
    private readonly files: FileStore,
    private readonly dirs: DataDir,
  ) {
    this.dir = join(dirs.root, 'validations');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Validates a stored file now (or joins the run already going for the same file and options). */
  validate(fileId: string, req: ValidateRequest = {}): Promise<ValDatasetResponse> {
    this.files.require(fileId, 'file_id'); // 404 before any work
    const model = req.model ? { name: req.model, dir: resolveModelDir(this.dirs.modelsDir, req.model) } : undefined;
    const key = JSON.stringify([fileId, req.model ?? null, req.format ?? null, !!req.requireMinExamples]);
    let run = this.inflight.get(key);
    if (!run) {
      const inline = !model && this.files.require(fileId).bytes <= INLINE_MAX_BYTES;
      run = this.run(fileId, { path: this.files.contentPath(fileId), model, format: req.format, requireMinExamples: req.requireMinExamples }, inline).finally(() =>
        this.inflight.delete(key),
      );
      this.inflight.set(key, run);
    }
    return run;
  }

  /**
   * A run of its own (background validation runs): never joins another, reports progress in bytes,
   * stops on `signal`, and stores its report as the file's latest.
   */
  validateTracked(fileId: string, req: ValidateRequest, opts: { signal: AbortSignal; onProgress: (bytes: number) => void }): Promise<ValDatasetResponse> {
    this.files.require(fileId, 'file_id');
    const model = req.model ? { name: req.model, dir: resolveModelDir(this.dirs.modelsDir, req.model) } : undefined;
    return this.run(fileId, { path: this.files.contentPath(fileId), model, format: req.format, requireMinExamples: req.requireMinExamples }, false, opts);
  }

  /** The latest stored report, or null when the file was never validated. */
  async latest(fileId: string): Promise<ValDatasetResponse | null> {
    try {
      return ValDatasetResponse.parse(JSON.parse(await readFile(this.reportPath(fileId), 'utf8')));
    } catch {
      return null;
    }
  }

  /** The latest report, validating first when there is none (or joining the run in progress). */
  async latestOrValidate(fileId: string): Promise<ValDatasetResponse> {
    this.files.require(fileId, 'file_id');
    const pending = this.inflight.get(JSON.stringify([fileId, null, null, false]));
    if (pending) return pending;
    return (await this.latest(fileId)) ?? this.validate(fileId);
  }

  /** FileStore hook: a new fine-tune file is `uploaded` until its validation decides. */
  onFileCreated = (file: OpenAIFile): void => {
    if (file.purpose !== 'fine-tune' || this.closed) return;
    this.files.setStatus(file.id, 'uploaded');
    file.status = 'uploaded'; // the object the upload request is about to return
    this.validate(file.id).then(
      (r) => this.settleStatus(file.id, r),
      (e: unknown) => this.settleStatus(file.id, null, e),
    );
  };

  /** Stops running workers (server shutdown). */
  close(): void {
    this.closed = true;
    for (const a of this.aborts) a.abort();
    this.queue.length = 0;
  }

  private settleStatus(fileId: string, r: ValDatasetResponse | null, err?: unknown): void {
    if (this.closed) return; // shutdown (the database may be closed): nothing to record
    if (!this.files.get(fileId)) return; // deleted meanwhile
    if (r?.valid) return this.files.setStatus(fileId, 'processed', null);
    if (r) {
      const total = Object.values(r.error_counts).reduce((a, b) => a + b, 0);
      const first = r.errors[0] ?? 'invalid dataset';
      const more = total > 1 ? ` (and ${total - 1} more problem${total > 2 ? 's' : ''}; see GET /v1/files/${fileId}/validation)` : '';
      return this.files.setStatus(fileId, 'error', `${first}${more}`);
    }
    if (this.closed) return; // shutdown: leave `uploaded`, nothing was decided
    this.files.setStatus(fileId, 'error', `Validation failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  private async run(
    fileId: string,
    req: FileValidationRequest,
    inline: boolean,
    opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
  ): Promise<ValDatasetResponse> {
    await this.slot();
    const abort = new AbortController();
    this.aborts.add(abort);
    const onCancel = () => abort.abort();
    opts.signal?.addEventListener('abort', onCancel);
    try {
      if (opts.signal?.aborted) throw new Error('validation cancelled');
      let report: ValidationReport;
      try {
        report = inline ? await validateFile(req) : await validateInWorker(req, { signal: abort.signal, onProgress: opts.onProgress });
      } catch (e) {
        if (this.closed || opts.signal?.aborted || !this.files.get(fileId)) throw e;
        // The validator itself never throws on bad input; a crashed worker (e.g. out of memory on a
        // pathological line) still gets an answer about the file, not a 500.
        report = failedReport(e instanceof Error ? e.message : String(e));
      }
      const response = toResponse(fileId, report);
      if (this.files.get(fileId)) await this.persist(fileId, response);
      return response;
    } finally {
      opts.signal?.removeEventListener('abort', onCancel);
      this.aborts.delete(abort);
      this.running--;
      this.queue.shift()?.();
    }
  }

  private slot(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the server is shutting down'));
    if (this.running < this.maxRunning) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.queue.push(() => {
        this.running++;
        resolve();
      }),
    );
  }

  private reportPath(fileId: string): string {
    const name = encodeURIComponent(fileId);
    // File names are limited to 255 bytes; very long ids are hashed.
    return join(this.dir, `${name.length <= 200 ? name : createHash('sha256').update(fileId).digest('hex')}.json`);
  }

  private async persist(fileId: string, r: ValDatasetResponse): Promise<void> {
    const tmp = join(this.dir, `.tmp-${randomUUID()}`);
    try {
      await writeFile(tmp, JSON.stringify(r));
      await rename(tmp, this.reportPath(fileId));
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}

function failedReport(why: string): ValidationReport {
  const message = `validation could not finish: ${why}`;
  return {
    ...new DatasetValidator().finish(),
    valid: false,
    error_lines: [`file: ${message}`],
    error_counts: { internal_error: 1 },
    error_details: [{ category: 'internal_error', line: null, example: null, path: null, message }],
    warning_counts: {},
    warnings: [],
  };
}

/** The seed's `{id, errors, object:"file"}` plus the report's own fields. */
export function toResponse(fileId: string, r: ValidationReport): ValDatasetResponse {
  return {
    id: fileId,
    errors: r.valid ? [NO_ERRORS_LINE] : r.error_lines,
    object: 'file',
    valid: r.valid,
    format: r.format,
    format_source: r.format_source,
    container: r.container,
    bytes: r.bytes,
    error_counts: r.error_counts,
    error_details: r.error_details,
    warning_counts: r.warning_counts,
    warnings: r.warnings,
    stats: r.stats,
    validated_at: nowSeconds(),
  };
}

