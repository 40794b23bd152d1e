import type { Db } from '../db/database.js';
import { newId, nowSeconds } from '../ids.js';
import type { JobEvent, JobStatus } from '../../shared/schemas/jobs.js';
import { badRequest, notFound } from '../server/errors.js';

export interface JobRow {
  seq: number;
  id: string;
  created_at: number;
  model: string;
  status: JobStatus;
  training_file: string;
  validation_file: string | null;
  method: string;
  hyperparameters: string;
  resolved: string | null;
  suffix: string | null;
  seed: number;
  metadata: string | null;
  integrations: string | null;
  gpus: number;
  priority: number;
  benchmarks: string | null;
  assigned_gpus: string | null;
  pid: number | null;
  pid_started: string | null;
  started_at: number | null;
  finished_at: number | null;
  estimated_finish: number | null;
  step: number | null;
  total_steps: number | null;
  trained_tokens: number | null;
  error: string | null;
  fine_tuned_model: string | null;
  output_path: string | null;
  result_files: string;
  events_offset: number;
  pending_action: 'cancel' | 'pause' | null;
  mlflow: string | null;
  benchmark_status: 'running' | 'succeeded' | 'failed' | 'skipped' | null;
  benchmark_results: string | null;
  bench_events_offset: number;
}

export interface NewEvent {
  level?: 'info' | 'warn' | 'error';
  type?: 'message' | 'metrics';
  message: string;
  data?: Record<string, unknown> | null;
}

const parse = <T>(s: string | null, fallback: T): T => (s === null ? fallback : (JSON.parse(s) as T));

/** Jobs, their events and checkpoints in SQLite. The scheduler's queue is the `queued` rows. */
export class JobStore {
  private readonly listeners = new Set<(id: string) => void>();
  constructor(private readonly db: Db) {}

  /**
   * Calls `fn(jobId)` after each insert, update or new event of a job (the live stream). It may run
   * inside a transaction, so a listener only notes the id and reads the row later.
   */
  onChange(fn: (id: string) => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private changed(id: string): void {
    for (const fn of this.listeners) {
      try {
        fn(id);
      } catch {
        // A listener never breaks a write.
      }
    }
  }

  insert(row: Omit<JobRow, 'seq'>): void {
    const cols = Object.keys(row);
    this.db.prepare(`INSERT INTO jobs (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`).run(row);
    this.changed(row.id);
  }

  get(id: string): JobRow | undefined {
    return this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  require(id: string): JobRow {
    const row = this.get(id);
    if (!row) throw notFound('fine-tuning job', id, 'fine_tuning_job_id');
    return row;
  }

  update(id: string, fields: Partial<JobRow>): void {
    const cols = Object.keys(fields);
    if (cols.length === 0) return;
    this.db.prepare(`UPDATE jobs SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...fields, id });
    this.changed(id);
  }

  byFineTunedModel(model: string): JobRow | undefined {
    return this.db.prepare(`SELECT * FROM jobs WHERE fine_tuned_model = ? AND status = 'succeeded'`).get(model) as JobRow | undefined;
  }

  byStatus(...statuses: JobStatus[]): JobRow[] {
    return this.db
      .prepare(`SELECT * FROM jobs WHERE status IN (${statuses.map(() => '?').join(',')}) ORDER BY seq`)
      .all(...statuses) as JobRow[];
  }

  /** Newest first; `after` = id of the last job seen; `metadata` = exact key/value matches (null = none set). */
  list(opts: { after?: string; limit: number; metadata?: Record<string, string> | null; benchmarks?: boolean }): { rows: JobRow[]; has_more: boolean } {
    // On-demand benchmarks share the queue but are listed apart from fine-tuning jobs.
    const where: string[] = [`json_extract(method, '$.type') ${opts.benchmarks ? '=' : '!='} 'benchmark'`];
    const params: unknown[] = [];
    if (opts.after) {
      const cursor = this.db.prepare('SELECT seq FROM jobs WHERE id = ?').get(opts.after) as { seq: number } | undefined;
      if (!cursor) throw badRequest(`No such fine-tuning job for 'after': ${opts.after}`, 'after');
      where.push('seq < ?');
      params.push(cursor.seq);
    }
    if (opts.metadata === null) where.push('metadata IS NULL');
    for (const [k, v] of Object.entries(opts.metadata ?? {})) {
      where.push('json_extract(metadata, ?) = ?');
      params.push(`$."${k.replace(/"/g, '')}"`, v);
    }
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`)
      .all(...params, opts.limit + 1) as JobRow[];
    return { rows: rows.slice(0, opts.limit), has_more: rows.length > opts.limit };
  }

  addEvent(jobId: string, e: NewEvent): JobEvent {
    const ev: JobEvent = {
      id: newId('ftevent-'),
      object: 'fine_tuning.job.event',
      created_at: nowSeconds(),
      level: e.level ?? 'info',
      message: e.message,
      type: e.type ?? 'message',
      data: e.data ?? null,
    };
    this.db
      .prepare('INSERT INTO job_events (id, job_id, created_at, level, type, message, data) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(ev.id, jobId, ev.created_at, ev.level, ev.type, ev.message, ev.data ? JSON.stringify(ev.data) : null);
    this.changed(jobId);
    return ev;
  }

  /** One newest-first page of a job's rows in `table`; `after` = id of the last row seen. */
  private page<T>(table: 'job_events' | 'job_checkpoints', what: string, jobId: string, opts: { after?: string; limit: number }): { rows: T[]; has_more: boolean } {
    let cursor = Number.MAX_SAFE_INTEGER;
    if (opts.after) {
      const row = this.db.prepare(`SELECT seq FROM ${table} WHERE id = ? AND job_id = ?`).get(opts.after, jobId) as { seq: number } | undefined;
      if (!row) throw badRequest(`No such ${what} for 'after': ${opts.after}`, 'after');
      cursor = row.seq;
    }
    const rows = this.db.prepare(`SELECT * FROM ${table} WHERE job_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`).all(jobId, cursor, opts.limit + 1) as T[];
    return { rows: rows.slice(0, opts.limit), has_more: rows.length > opts.limit };
  }

  /** Newest first, like OpenAI. */
  events(jobId: string, opts: { after?: string; limit: number }): { data: JobEvent[]; has_more: boolean } {
    const { rows, has_more } = this.page<Record<string, unknown>>('job_events', 'event', jobId, opts);
    return { data: rows.map(toEvent), has_more };
  }

  /** Oldest first from a sequence number, for live streams. */
  eventsSince(jobId: string, afterSeq: number): Array<{ seq: number; event: JobEvent }> {
    const rows = this.db
      .prepare('SELECT * FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT 500')
      .all(jobId, afterSeq) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ seq: r.seq as number, event: toEvent(r) }));
  }

  addCheckpoint(jobId: string, step: number, path: string, metrics: Record<string, number | null>): void {
    this.db
      .prepare('INSERT INTO job_checkpoints (id, job_id, created_at, step, path, metrics) VALUES (?, ?, ?, ?, ?, ?)')
      .run(newId('ftckpt_'), jobId, nowSeconds(), step, path, JSON.stringify(metrics));
  }

  checkpoints(jobId: string, opts: { after?: string; limit: number }) {
    return this.page<{ id: string; created_at: number; step: number; path: string; metrics: string }>('job_checkpoints', 'checkpoint', jobId, opts);
  }

  /** Runs `fn` in one transaction (events import + offset move together: exactly-once after a crash). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function toEvent(r: Record<string, unknown>): JobEvent {
  return {
    id: r.id as string,
    object: 'fine_tuning.job.event',
    created_at: r.created_at as number,
    level: r.level as JobEvent['level'],
    message: r.message as string,
    type: r.type as JobEvent['type'],
    data: parse(r.data as string | null, null),
  };
}

export { parse as parseJson };
