/**
 * Background validation runs (`POST /v1/files/{id}/validations`): one ValidationService run each,
 * with progress in bytes, a `preparing_model` phase for built-ins, and cancellation.
 *
 * Runs live in memory only: a restart forgets running and finished runs (their finished reports
 * survive as the files' latest reports, `GET /v1/files/{id}/validation`).
 */
import { randomBytes } from 'node:crypto';
import type { CreateValidationRunBody, ValidationRun } from '../../shared/schemas/validation.js';
import type { FileStore } from '../files/file-store.js';
import type { ModelPreparer } from '../models/model-preparer.js';
import { nowSeconds } from '../ids.js';
import { ApiError, notFound } from '../server/errors.js';
import type { ValidationService } from './validation-service.js';
import { ModelNotFoundError } from './model-tokenizer.js';

/** Finished runs kept per server (oldest forgotten first), so memory stays bounded. */
const KEEP_FINISHED = 500;

interface Entry {
  run: ValidationRun;
  abort: AbortController;
}

export class ValidationRuns {
  private readonly runs = new Map<string, Entry>();

  constructor(
    private readonly files: FileStore,
    private readonly service: ValidationService,
    private readonly preparer: ModelPreparer,
  ) {
    files.onDeleted((id) => {
      for (const [runId, e] of this.runs) {
        if (e.run.file_id !== id) continue;
        e.abort.abort();
        this.runs.delete(runId);
      }
    });
  }

  /** Checks the file and model now (404s), then runs in the background. */
  async create(fileId: string, body: CreateValidationRunBody): Promise<ValidationRun> {
    const file = this.files.require(fileId, 'file_id');
    const model = body.model ?? null;
    const needsPrepare = model !== null && !this.preparer.installed(model);
    // Not installed and not a built-in: ModelNotFoundError now (the route answers 404 with the list).
    if (needsPrepare && !(await this.preparer.isBuiltin(model))) await this.preparer.ensure(model);
    const run: ValidationRun = {
      id: `valrun_${randomBytes(12).toString('hex')}`,
      object: 'dataset.validation_run',
      file_id: fileId,
      model,
      format: body.format ?? null,
      status: needsPrepare ? 'preparing_model' : 'running',
      bytes_done: 0,
      bytes_total: file.bytes,
      created_at: nowSeconds(),
      finished_at: null,
      report: null,
      error: null,
    };
    const entry: Entry = { run, abort: new AbortController() };
    this.runs.set(run.id, entry);
    this.prune();
    void this.execute(entry);
    return { ...run };
  }

  get(id: string): ValidationRun {
    const e = this.runs.get(id);
    if (!e) throw notFound('ValidationRun', id, 'validation_id');
    return { ...e.run };
  }

  /** Newest first. */
  listForFile(fileId: string): ValidationRun[] {
    this.files.require(fileId, 'file_id');
    return [...this.runs.values()].filter((e) => e.run.file_id === fileId).map((e) => ({ ...e.run })).reverse();
  }

  /** Cancels a run still going; a finished run is returned as it is. */
  cancel(id: string): ValidationRun {
    const e = this.runs.get(id);
    if (!e) throw notFound('ValidationRun', id, 'validation_id');
    if (e.run.finished_at === null) {
      e.abort.abort();
      this.settle(e, 'cancelled');
    }
    return { ...e.run };
  }

  close(): void {
    for (const e of this.runs.values()) e.abort.abort();
  }

  private async execute(e: Entry): Promise<void> {
    const { run, abort } = e;
    try {
      if (run.status === 'preparing_model') {
        await this.preparer.ensure(run.model!);
        if (abort.signal.aborted) return;
        run.status = 'running';
      }
      const report = await this.service.validateTracked(
        run.file_id,
        { model: run.model ?? undefined, format: run.format ?? undefined },
        { signal: abort.signal, onProgress: (b) => (run.bytes_done = Math.min(b, run.bytes_total)) },
      );
      if (abort.signal.aborted) return;
      run.report = report;
      run.bytes_done = run.bytes_total;
      this.settle(e, 'succeeded');
    } catch (err) {
      if (abort.signal.aborted) return;
      const api = err instanceof ApiError ? err : null;
      run.error = { message: err instanceof Error ? err.message : String(err), code: api?.code ?? (err instanceof ModelNotFoundError ? 'model_not_found' : 'validation_failed'), param: api?.param ?? null };
      this.settle(e, 'failed');
    }
  }

  private settle(e: Entry, status: 'succeeded' | 'failed' | 'cancelled'): void {
    if (e.run.finished_at !== null) return;
    e.run.status = status;
    e.run.finished_at = nowSeconds();
  }

  private prune(): void {
    const finished = [...this.runs.entries()].filter(([, e]) => e.run.finished_at !== null);
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.runs.delete(id);
  }
}
