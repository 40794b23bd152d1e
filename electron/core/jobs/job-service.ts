import { createReadStream, existsSync, mkdirSync, openSync, readSync, readFileSync, closeSync, fstatSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { DataDir } from '../storage/data-dir.js';
import type { FileStore } from '../files/file-store.js';
import { writeTempFile } from '../storage/atomic-file.js';
import { newId, nowSeconds } from '../ids.js';
import { ApiError, badRequest } from '../server/errors.js';
import type { CreateJobBody, FineTuningJob, Hyperparameters, JobStatus, Method } from '../../shared/schemas/jobs.js';
import { TERMINAL_STATUSES } from '../../shared/schemas/jobs.js';
import type { ValidationReport } from '../../shared/schemas/validation.js';
import { JobStore, parseJson, type JobRow } from './job-store.js';
import { toJobEvent, type TrainerEvent } from './trainer-events.js';
import { benchEventToJobEvent, resolveSuites } from './benchmark-step.js';
import { planSchedule, type ServingSlot } from '../scheduler/plan.js';
import type { GpuInfo, GpuProbe } from '../scheduler/gpu-inventory.js';
import { TrainerProcess } from '../runner/trainer-process.js';
import { AttachedTrainer } from '../runner/attached-trainer.js';
import { isSameProcess, sessionMembers, signalSession } from '../runner/process-tree.js';
import type { ModelCatalog } from '../models/catalog.js';

/** Exit codes of `python -m hone_trainer train` (trainer/README.md). */
const EXIT_OK = 0;
const EXIT_STOPPED = 3;
/** Written by the trainer as it ends (hone_trainer/hangup.py): the exit code a re-attached core cannot collect. */
const EXIT_FILE = 'trainer-exit.json';

export type DatasetCheck = (fileId: string, opts: { format: 'chat' | 'preference'; model: string }) => Promise<ValidationReport>;

export interface JobServiceOptions {
  store: JobStore;
  files: FileStore;
  dirs: DataDir;
  catalog: ModelCatalog;
  python: string;
  gpuProbe: GpuProbe;
  checkDataset: DatasetCheck;
  /** The full environment of trainer and benchmark processes, read at each start (default: process.env). */
  childEnv?: () => NodeJS.ProcessEnv;
  /** After the stop file: how long to wait for a checkpoint before SIGTERM, then before SIGKILL. */
  stopGraceMs?: number;
  killGraceMs?: number;
  checkpointEverySeconds?: number;
  /** MLflow settings for a job's training spec, or null. */
  mlflowFor?: (job: JobRow) => Promise<Record<string, unknown> | null>;
  /** MLflow settings for the benchmark run that follows a job, or null. */
  mlflowForBenchmark?: (job: JobRow) => Promise<Record<string, unknown> | null>;
  /** Benchmarks after a successful job unless the job turns them off (default true); a function is read per new job (settings). */
  benchmarksByDefault?: boolean | (() => boolean);
  /** Why no job may start now (e.g. the Python environment is being installed), or null. */
  holdReason?: () => string | null;
  /** Slots loaded inference workers hold (electron/core/serving), and how to free one for a job. */
  servingSlots?: () => ServingSlot[];
  preempt?: (slot: ServingSlot, jobId: string) => void;
}

interface Live {
  /** Started by this core, or re-attached after a core restart. */
  proc: TrainerProcess | AttachedTrainer;
  gpus: number[];
  timer: NodeJS.Timeout;
  /** Why the trainer is being stopped, decides the status when it exits. */
  stopping: 'cancel' | 'pause' | 'shutdown' | null;
  completed: TrainerEvent | null;
  /** The trainer's error event; written with status 'failed' on exit, never while 'running'. */
  error?: JobError | null;
  killTimers: NodeJS.Timeout[];
}

type JobError = { code: string; message: string; param: string | null };

/** What create decided from a body: the job's method, its merged hyperparameters and its GPU count. */
export interface CreatePlan {
  method: Method;
  hp: Hyperparameters;
  gpus: number;
}

/**
 * Fine-tuning jobs end to end: checks, dataset validation, the queue, trainer processes, their
 * events and console, cancel/pause/resume, and recovery after a crash. State lives in SQLite;
 * `live` holds only what cannot (the running processes).
 */
export class JobService {
  private readonly live = new Map<string, Live>();
  private waiting = new Map<string, { position: number; reason: string }>();
  private gpus: GpuInfo[] = [];
  private closed = false;
  readonly store: JobStore;

  constructor(private readonly o: JobServiceOptions) {
    this.store = o.store;
  }

  private benchmarksByDefault(): boolean {
    const d = this.o.benchmarksByDefault;
    return typeof d === 'function' ? d() : d !== false;
  }

  /** The environment of a trainer or benchmark process (read at each start: settings can change). */
  childEnv(): NodeJS.ProcessEnv {
    return this.o.childEnv?.() ?? process.env;
  }

  jobDir(id: string): string {
    return join(this.o.dirs.jobsDir, id);
  }

  consoleFile(id: string): string {
    return join(this.jobDir(id), 'console.log');
  }

  inventory(): { gpus: GpuInfo[]; live: Map<string, number[]>; waiting: Map<string, { position: number; reason: string }> } {
    return { gpus: this.gpus, live: new Map([...this.live].map(([id, l]) => [id, l.gpus])), waiting: this.waiting };
  }

  /**
   * Re-reads memory, utilisation and temperature of the GPUs found at init, for whoever watches
   * them; the set the scheduler uses stays as it was (a GPU that vanishes keeps its last figures).
   */
  async refreshGpus(): Promise<void> {
    if (this.gpus.length === 0) return;
    const fresh = await this.o.gpuProbe();
    this.gpus = this.gpus.map((g) => fresh.find((f) => f.index === g.index && f.uuid === g.uuid) ?? g);
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** Output notifications for live console viewers. */
  onOutput(id: string, fn: () => void): () => void {
    const l = this.live.get(id);
    if (!l?.proc) return () => undefined;
    l.proc.on('output', fn);
    return () => l.proc.off('output', fn);
  }

  /** Probes GPUs, recovers jobs a crash left behind, and starts what can start. */
  async init(): Promise<void> {
    this.gpus = await this.o.gpuProbe();
    for (const row of this.store.byStatus('running', 'cancelled', 'paused', 'queued', 'failed', 'succeeded')) {
      if (row.pid !== null) await this.recover(row);
    }
    for (const row of this.store.byStatus('validating_files')) void this.validate(row.id);
    this.schedule();
  }

  // ---- API operations -------------------------------------------------------------------------

  /**
   * Every check create makes before it accepts a job (the estimate makes the same ones, with the
   * same envelopes): hyperparameters that fit the method, fine-tune files, a model the trainer can
   * get, GPUs the machine has.
   */
  async checkCreate(body: CreateJobBody): Promise<CreatePlan> {
    const method = body.method ?? { type: 'supervised' as const };
    const methodHp = (method.type === 'dpo' ? method.dpo?.hyperparameters : method.supervised?.hyperparameters) ?? {};
    const hp: Hyperparameters = { ...(body.hyperparameters ?? {}), ...methodHp };
    if (hp.beta !== undefined && method.type !== 'dpo') throw badRequest("'beta' applies only to method type 'dpo'.", 'hyperparameters.beta');
    this.requireTrainingFile(body.training_file, 'training_file');
    if (body.validation_file) this.requireTrainingFile(body.validation_file, 'validation_file');
    const reason = await this.o.catalog.rejectReason(body.model, this.childEnv());
    if (reason) throw new ApiError(400, reason, 'model', 'model_not_found');
    const gpus = body.hone?.gpus ?? (this.gpus.length > 0 ? 1 : 0);
    if (gpus > 0 && this.gpus.length === 0) {
      throw badRequest(`This machine has no GPU; the job asks for ${gpus}. Use hone.gpus = 0 to train on the CPU.`, 'hone.gpus');
    }
    return { method, hp, gpus };
  }

  async create(body: CreateJobBody): Promise<JobRow> {
    const { method, hp, gpus } = await this.checkCreate(body);
    const id = newId('ftjob-');
    const row: Omit<JobRow, 'seq'> = {
      ...this.blankRow(),
      id,
      created_at: nowSeconds(),
      model: body.model,
      status: 'validating_files',
      training_file: body.training_file,
      validation_file: body.validation_file ?? null,
      method: JSON.stringify(method),
      hyperparameters: JSON.stringify(hp),
      resolved: null,
      suffix: body.suffix ?? null,
      seed: body.seed ?? randomInt(0, 2147483647),
      metadata: body.metadata ? JSON.stringify(body.metadata) : null,
      integrations: body.integrations ? JSON.stringify(body.integrations) : null,
      gpus,
      priority: body.hone?.priority ?? 0,
      benchmarks: JSON.stringify(body.hone?.benchmarks ?? this.benchmarksByDefault()),
      assigned_gpus: null,
      pid: null,
      pid_started: null,
      started_at: null,
      finished_at: null,
      estimated_finish: null,
      step: null,
      total_steps: null,
      trained_tokens: null,
      error: null,
      fine_tuned_model: null,
      output_path: null,
      result_files: '[]',
      events_offset: 0,
      pending_action: null,
      mlflow: null,
      benchmark_status: null,
      benchmark_results: null,
      bench_events_offset: 0,
    };
    this.store.insert(row);
    this.store.addEvent(id, { message: `Created fine-tuning job: ${id}` });
    void this.validate(id);
    return this.store.require(id);
  }

  /** Every column at its "nothing yet" value; callers set what they know. */
  private blankRow(): Omit<JobRow, 'seq'> {
    return {
      id: '', created_at: 0, model: '', status: 'queued', training_file: '', validation_file: null, method: '{}', hyperparameters: '{}',
      resolved: null, suffix: null, seed: 0, metadata: null, integrations: null, gpus: 0, priority: 0, benchmarks: null,
      assigned_gpus: null, pid: null, pid_started: null, started_at: null, finished_at: null, estimated_finish: null, step: null,
      total_steps: null, trained_tokens: null, error: null, fine_tuned_model: null, output_path: null, result_files: '[]',
      events_offset: 0, pending_action: null, mlflow: null, benchmark_status: null, benchmark_results: null, bench_events_offset: 0,
    };
  }

  cancel(id: string): JobRow {
    const row = this.store.require(id);
    if (TERMINAL_STATUSES.includes(row.status)) {
      throw new ApiError(400, `Cannot cancel a job with status '${row.status}'.`, 'fine_tuning_job_id', 'invalid_job_status');
    }
    this.store.update(id, { status: 'cancelled', finished_at: this.live.has(id) ? null : nowSeconds(), pending_action: this.live.has(id) ? 'cancel' : null });
    this.store.addEvent(id, { message: this.live.has(id) ? 'Cancelling: stopping the trainer' : 'Fine-tuning job cancelled' });
    if (this.live.has(id)) this.stopTrainer(id, 'cancel', 2_000);
    this.schedule();
    return this.store.require(id);
  }

  pause(id: string): JobRow {
    const row = this.store.require(id);
    if (row.status !== 'running' && row.status !== 'queued') {
      throw new ApiError(400, `Cannot pause a job with status '${row.status}'; only running or queued jobs can be paused.`, 'fine_tuning_job_id', 'invalid_job_status');
    }
    const running = this.live.has(id);
    this.store.update(id, { status: 'paused', pending_action: running ? 'pause' : null });
    this.store.addEvent(id, { message: running ? 'Pausing: saving a checkpoint' : 'Fine-tuning job paused' });
    if (running) this.stopTrainer(id, 'pause', this.o.stopGraceMs ?? 120_000);
    this.schedule();
    return this.store.require(id);
  }

  resume(id: string): JobRow {
    const row = this.store.require(id);
    if (row.status !== 'paused') {
      throw new ApiError(400, `Cannot resume a job with status '${row.status}'; only paused jobs can be resumed.`, 'fine_tuning_job_id', 'invalid_job_status');
    }
    this.store.update(id, { status: 'queued' });
    this.store.addEvent(id, { message: row.step ? `Fine-tuning job resumed; it continues from its last checkpoint` : 'Fine-tuning job resumed' });
    this.schedule();
    return this.store.require(id);
  }

  /**
   * Stops every trainer with a checkpoint (the jobs are queued again on the next start).
   * `detach`: leaves them running and only lets go of them (timers); their rows keep the pid, so
   * the next init() finds them through recover(). A trainer outlives this process only if it
   * survives its pty's hang-up (SIGHUP, EIO on writes) when this process exits.
   */
  async close(opts: number | { timeoutMs?: number; detach?: boolean } = {}): Promise<void> {
    const { timeoutMs = 30_000, detach = false } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    this.closed = true;
    if (detach) {
      for (const l of this.live.values()) {
        clearInterval(l.timer);
        for (const t of l.killTimers) clearTimeout(t);
      }
      this.live.clear();
      return;
    }
    const exits = [...this.live.keys()].map((id) => {
      this.stopTrainer(id, 'shutdown', Math.max(1_000, timeoutMs - 5_000));
      return this.live.get(id)!.proc?.exited; // null while a process is still being set up
    });
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  // ---- API shape ------------------------------------------------------------------------------

  toApi(row: JobRow): FineTuningJob {
    const hp = parseJson<Hyperparameters>(row.hyperparameters, {});
    const resolved = parseJson<Record<string, unknown>>(row.resolved, {});
    const pick = (k: 'n_epochs' | 'batch_size' | 'learning_rate_multiplier') =>
      (typeof resolved[k] === 'number' ? resolved[k] : hp[k] ?? 'auto') as number | 'auto';
    const hyper = { n_epochs: pick('n_epochs'), batch_size: pick('batch_size'), learning_rate_multiplier: pick('learning_rate_multiplier') };
    const method = parseJson<{ type: string }>(row.method, { type: 'supervised' });
    const methodHp = method.type === 'dpo' ? { ...hyper, beta: (resolved.beta as number | undefined) ?? hp.beta ?? 'auto' } : hyper;
    const w = this.waiting.get(row.id);
    let queueReason: string | null = w?.reason ?? null;
    if (row.pending_action === 'pause') queueReason = 'saving a checkpoint before pausing';
    if (row.pending_action === 'cancel') queueReason = 'stopping the trainer';
    return {
      id: row.id,
      object: 'fine_tuning.job',
      created_at: row.created_at,
      model: row.model,
      organization_id: 'hone',
      status: row.status,
      training_file: row.training_file,
      validation_file: row.validation_file,
      result_files: parseJson<string[]>(row.result_files, []),
      fine_tuned_model: row.fine_tuned_model,
      finished_at: row.finished_at,
      trained_tokens: row.trained_tokens,
      error: parseJson(row.error, null),
      hyperparameters: hyper,
      seed: row.seed,
      estimated_finish: row.status === 'running' ? row.estimated_finish : null,
      integrations: parseJson(row.integrations, null),
      method: { type: method.type, [method.type]: { hyperparameters: methodHp } },
      metadata: parseJson(row.metadata, null),
      suffix: row.suffix,
      hone: {
        gpus: row.gpus,
        priority: row.priority,
        assigned_gpus: parseJson(row.assigned_gpus, null),
        queue_position: row.status === 'queued' ? (w?.position ?? null) : null,
        queue_reason: row.status === 'queued' || row.pending_action ? queueReason : null,
        started_at: row.started_at,
        step: row.step,
        total_steps: row.total_steps,
        hyperparameters: { ...hp, ...resolved },
        benchmarks: parseJson(row.benchmarks, null),
        benchmark: row.benchmark_status ? { status: row.benchmark_status, ...parseJson<object>(row.benchmark_results, {}) } : null,
        mlflow: parseJson(row.mlflow, null),
      },
    };
  }

  // ---- validation -----------------------------------------------------------------------------

  private requireTrainingFile(fileId: string, param: string): void {
    const file = this.o.files.get(fileId);
    if (!file) throw new ApiError(400, `Invalid file ID: ${fileId}. The file does not exist.`, param, 'invalid_file');
    if (file.purpose !== 'fine-tune') {
      throw new ApiError(400, `File ${fileId} has purpose '${file.purpose}'; fine-tuning needs a file uploaded with purpose 'fine-tune'.`, param, 'invalid_file_purpose');
    }
  }

  private async validate(id: string): Promise<void> {
    const row = this.store.require(id);
    const format = parseJson<{ type: string }>(row.method, { type: 'supervised' }).type === 'dpo' ? 'preference' : 'chat';
    for (const [param, fileId] of [['training_file', row.training_file], ['validation_file', row.validation_file]] as const) {
      if (!fileId) continue;
      let report: ValidationReport;
      try {
        report = await this.o.checkDataset(fileId, { format, model: row.model });
      } catch (err) {
        if (this.closed) return;
        return this.fail(id, { code: 'invalid_file', message: `The ${param.replace('_', ' ')} could not be read: ${(err as Error).message}`, param });
      }
      // Closed meanwhile (the database may be too): the job stays validating_files and init() checks it again.
      if (this.closed) return;
      if (!report.valid) {
        const first = report.error_lines.slice(0, 3).join('; ');
        return this.fail(id, {
          code: `invalid_${param}`,
          message: `The job failed due to an invalid ${param.replace('_', ' ')}. ${first}${report.error_lines.length > 3 ? ` (and ${report.error_lines.length - 3} more; see POST /v1/val_dataset)` : ''}`,
          param,
        });
      }
      if (param === 'training_file') {
        const s = report.stats as unknown as Record<string, unknown>;
        this.store.addEvent(id, { message: `Validated training file: ${s.examples ?? s.n_examples ?? '?'} examples`, data: { stats: report.stats, warnings: report.warning_counts } });
        // One event per category with the validator's own message (counts are occurrences, not examples).
        for (const [category, n] of Object.entries(report.warning_counts)) {
          const first = report.warnings.find((w) => w.category === category);
          const where = first?.line ? `line ${first.line}: ` : '';
          const more = n > 1 ? ` (and ${n - 1} more like it)` : '';
          this.store.addEvent(id, { level: 'warn', message: `Dataset warning: ${first ? `${where}${first.message}` : category}${more}`, data: { category, count: n } });
        }
      }
    }
    if (this.store.require(id).status !== 'validating_files') return; // cancelled meanwhile
    this.store.update(id, { status: 'queued' });
    this.schedule();
  }

  private fail(id: string, error: { code: string; message: string; param: string | null }): void {
    this.store.update(id, { status: 'failed', error: JSON.stringify(error), finished_at: nowSeconds() });
    this.store.addEvent(id, { level: 'error', message: error.message });
  }

  // ---- scheduling -----------------------------------------------------------------------------

  /** Starts every queued job that fits now, and records why the others wait. Synchronous. */
  schedule(): void {
    if (this.closed) return;
    const queued = this.store.byStatus('queued').filter((r) => !this.live.has(r.id));
    const running = [...this.live].map(([id, l]) => ({ id, gpus: l.gpus, cpu: l.gpus.length === 0 }));
    const plan = planSchedule(
      { gpus: this.gpus.map((g) => g.index) },
      running,
      queued.map((r) => ({ id: r.id, gpus: r.gpus, priority: r.priority, seq: r.seq })),
      this.o.servingSlots?.(),
    );
    const before = this.waiting;
    // Held: nothing starts; the jobs the plan would start wait first in line, with the hold as their reason.
    const hold = this.o.holdReason?.() ?? null;
    if (hold) {
      plan.waiting = [...plan.start.map((st) => ({ id: st.id, position: 0, reason: hold })), ...plan.waiting].map((w, i) => ({ ...w, position: i + 1, reason: i < plan.start.length ? hold : w.reason }));
      plan.start = [];
    }
    if (!hold) for (const p of plan.preempt ?? []) this.o.preempt?.(p, p.for);
    this.waiting = new Map(plan.waiting.map((w) => [w.id, { position: w.position, reason: w.reason }]));
    for (const w of plan.waiting) {
      // Say why a job waits whenever the reason changes: a job never waits silently.
      if (before.get(w.id)?.reason !== w.reason) this.store.addEvent(w.id, { message: `Queued (position ${w.position}): ${w.reason}` });
    }
    for (const s of plan.start) {
      try {
        void this.start(this.store.require(s.id), s.gpus);
      } catch (err) {
        this.fail(s.id, { code: 'start_failed', message: `Could not start the trainer: ${(err as Error).message}`, param: null });
      }
    }
  }

  private async start(row: JobRow, gpus: number[]): Promise<void> {
    if (parseJson<{ type: string }>(row.method, { type: 'supervised' }).type === 'benchmark') return this.startOnDemandBenchmark(row, gpus);
    const dir = this.jobDir(row.id);
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, 'stop'), { force: true });
    rmSync(join(dir, EXIT_FILE), { force: true });
    const hp = parseJson<Hyperparameters>(row.hyperparameters, {});
    const method = parseJson<{ type: string }>(row.method, { type: 'supervised' });
    const spec = {
      version: 1,
      job_id: row.id,
      model: row.model,
      models_dir: this.o.dirs.modelsDir,
      training_file: this.o.files.contentPath(row.training_file),
      validation_file: row.validation_file ? this.o.files.contentPath(row.validation_file) : null,
      method: method.type,
      hyperparameters: hp,
      seed: row.seed,
      output_dir: join(dir, 'output'),
      events_file: join(dir, 'events.jsonl'),
      stop_file: join(dir, 'stop'),
      resume: true, // continues from the newest checkpoint when there is one
      gpus: gpus.length,
      checkpoint: { every_seconds: this.o.checkpointEverySeconds ?? 600, keep: 3 },
      mlflow: null as Record<string, unknown> | null,
    };
    // Claim the slot before anything async, so a concurrent schedule() does not start it twice.
    const live: Live = { proc: null as unknown as TrainerProcess, gpus, timer: null as unknown as NodeJS.Timeout, stopping: null, completed: null, killTimers: [] };
    this.live.set(row.id, live);
    try {
      spec.mlflow = (await this.o.mlflowFor?.(row)) ?? null;
    } catch (err) {
      // Tracking is an extra: a job never fails because MLflow is unavailable.
      spec.mlflow = null;
      this.store.addEvent(row.id, { level: 'warn', message: `MLflow is unavailable, training without tracking: ${(err as Error).message}` });
    }
    if (spec.mlflow) {
      const prev = parseJson<Record<string, unknown>>(row.mlflow, {});
      this.store.update(row.id, { mlflow: JSON.stringify({ ...prev, ...spec.mlflow }) });
    }
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec, null, 2));
    const env: NodeJS.ProcessEnv = {
      ...this.childEnv(),
      CUDA_VISIBLE_DEVICES: gpus.join(','),
      PYTHONUNBUFFERED: '1',
      HONE_JOB_ID: row.id,
      // Where the trainer writes its output itself if this core exits (it keeps training).
      HONE_CONSOLE_FILE: this.consoleFile(row.id),
    };
    const first = row.started_at === null;
    live.proc = new TrainerProcess({
      command: this.o.python,
      args: ['-m', 'hone_trainer', 'train', '--spec', join(dir, 'spec.json')],
      cwd: dir,
      env,
      consoleFile: this.consoleFile(row.id),
    });
    this.store.update(row.id, {
      status: 'running',
      started_at: row.started_at ?? nowSeconds(),
      assigned_gpus: JSON.stringify(gpus),
      pid: live.proc.pid,
      pid_started: live.proc.startTime,
      error: null,
    });
    this.store.addEvent(row.id, {
      message: `${first ? 'Started' : 'Restarted'} the trainer on ${gpus.length ? `GPU ${gpus.join(',')}` : 'the CPU'} (pid ${live.proc.pid})`,
    });
    live.timer = setInterval(() => this.importEvents(row.id), 500);
    void live.proc.exited.then((exit) => this.onExit(row.id, exit));
  }

  /** Cooperative stop (the stop file: checkpoint, then exit 3), then SIGTERM, then SIGKILL. */
  private stopTrainer(id: string, why: Live['stopping'], graceMs: number): void {
    const l = this.live.get(id);
    if (!l) return;
    l.stopping = why;
    writeFileSync(join(this.jobDir(id), 'stop'), why ?? 'stop');
    const kill = this.o.killGraceMs ?? 5_000;
    // l.proc is read when the timer fires: the process may be replaced (training → benchmark) meanwhile.
    l.killTimers.push(
      setTimeout(() => l.proc?.signal('SIGTERM'), graceMs),
      setTimeout(() => l.proc?.signal('SIGKILL'), graceMs + kill),
    );
  }

  // ---- events and exits -----------------------------------------------------------------------

  /** Imports new complete lines of events.jsonl; the byte offset moves in the same transaction. */
  private importEvents(id: string): TrainerEvent[] {
    return this.importLines(id, join(this.jobDir(id), 'events.jsonl'), 'events_offset', (e) => this.applyEvent(id, e));
  }

  /** Reads the complete JSON lines of `file` past the row's offset, applies them and moves the offset, in one transaction. */
  private importLines(id: string, file: string, offsetCol: 'events_offset' | 'bench_events_offset', apply: (e: TrainerEvent) => void): TrainerEvent[] {
    const row = this.store.get(id);
    if (!row || !existsSync(file)) return [];
    const offset = row[offsetCol];
    const fd = openSync(file, 'r');
    let text: string;
    try {
      const size = fstatSync(fd).size;
      if (size <= offset) return [];
      const buf = Buffer.alloc(Math.min(size - offset, 8 * 1024 * 1024));
      readSync(fd, buf, 0, buf.length, offset);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
    const end = text.lastIndexOf('\n');
    if (end < 0) return [];
    const lines = text.slice(0, end).split('\n');
    const consumed = Buffer.byteLength(text.slice(0, end + 1));
    const events: TrainerEvent[] = [];
    this.store.tx(() => {
      for (const line of lines) {
        if (!line.trim()) continue;
        let e: TrainerEvent;
        try {
          e = JSON.parse(line) as TrainerEvent;
        } catch {
          this.store.addEvent(id, { level: 'warn', message: `Unreadable event skipped: ${line.slice(0, 200)}` });
          continue;
        }
        events.push(e);
        apply(e);
      }
      this.store.update(id, { [offsetCol]: offset + consumed });
    });
    return events;
  }

  private applyEvent(id: string, e: TrainerEvent): void {
    const ev = toJobEvent(e);
    if (ev) this.store.addEvent(id, ev);
    const l = this.live.get(id);
    switch (e.type) {
      case 'started':
        this.store.update(id, { resolved: JSON.stringify(e.hyperparameters ?? {}), total_steps: e.total_steps as number });
        this.recordTrainRun(id);
        break;
      case 'progress':
        this.store.update(id, {
          step: e.step as number,
          total_steps: e.total_steps as number,
          estimated_finish: typeof e.eta_seconds === 'number' ? nowSeconds() + Math.round(e.eta_seconds) : null,
        });
        break;
      case 'checkpoint':
        this.store.addCheckpoint(id, e.step as number, e.path as string, (e.metrics as Record<string, number | null>) ?? {});
        break;
      case 'completed':
        if (l) l.completed = e;
        this.store.update(id, {
          trained_tokens: e.trained_tokens as number,
          output_path: (e.adapter_path as string | null) ?? (e.model_path as string | null),
          step: e.step as number,
        });
        break;
      case 'error':
        // Kept until the exit decides the status: a job never reads 'running' with an error.
        if (l) l.error = { code: String(e.code ?? 'training_failed'), message: String(e.message), param: null };
        break;
    }
  }

  /** The trainer notes its MLflow run in output/mlflow_run.json; the job links to it. */
  private recordTrainRun(id: string): void {
    const row = this.store.get(id);
    const file = join(this.jobDir(id), 'output', 'mlflow_run.json');
    if (!row?.mlflow || !existsSync(file)) return;
    try {
      const { run_id } = JSON.parse(readFileSync(file, 'utf8')) as { run_id: string };
      const m = parseJson<Record<string, string>>(row.mlflow, {});
      this.store.update(id, {
        mlflow: JSON.stringify({ ...m, train_run_id: run_id, train_run_url: `${m.tracking_uri}/#/experiments/${m.experiment_id}/runs/${run_id}` }),
      });
    } catch {
      /* not written yet; the next started event retries */
    }
  }

  private async onExit(id: string, exit: { exitCode: number | null; signal: number | null }): Promise<void> {
    const l = this.live.get(id)!;
    clearInterval(l.timer);
    for (const t of l.killTimers) clearTimeout(t);
    this.importEvents(id);
    // Nothing of a job outlives it: children that escaped the pty's process group die here.
    if (sessionMembers(l.proc.pid).length > 0) signalSession(l.proc.pid, 'SIGKILL');
    const row = this.store.require(id);
    const done: Partial<JobRow> = { pid: null, pid_started: null, assigned_gpus: null, pending_action: null, estimated_finish: null };
    let keepSlot = false; // the benchmark step runs in the job's slot
    try {
      if (l.stopping === 'cancel' || row.pending_action === 'cancel') {
        this.store.update(id, { ...done, status: 'cancelled', finished_at: nowSeconds() });
        this.store.addEvent(id, { message: 'Fine-tuning job cancelled' });
      } else if (l.stopping === 'pause' || row.pending_action === 'pause') {
        this.store.update(id, { ...done, status: row.status === 'cancelled' ? 'cancelled' : 'paused' });
        this.store.addEvent(id, { message: `Fine-tuning job paused${row.step ? ` at step ${row.step}` : ''}; resume continues from its checkpoint` });
      } else if (l.stopping === 'shutdown') {
        this.store.update(id, { ...done, status: 'queued' });
        this.store.addEvent(id, { message: 'Hone is shutting down: the job was checkpointed and will resume on the next start' });
      } else if (exit.exitCode === EXIT_OK && l.completed) {
        await this.succeed(id, l.completed, done);
        keepSlot = await this.startBenchmark(id, l);
      } else if (exit.exitCode === EXIT_STOPPED) {
        this.store.update(id, { ...done, status: 'paused' });
        this.store.addEvent(id, { message: 'The trainer stopped with a checkpoint; resume the job to continue' });
      } else {
        const error = l.error ?? {
          code: 'training_failed',
          message: `The trainer exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.exitCode}`}; see the job's console for details.`,
          param: null,
        };
        this.store.update(id, { ...done, status: 'failed', finished_at: nowSeconds(), error: JSON.stringify(error) });
        this.store.addEvent(id, { level: 'error', message: `Fine-tuning job failed: ${error.message}` });
      }
    } finally {
      if (!keepSlot) {
        this.live.delete(id);
        this.schedule();
      }
    }
  }

  // ---- benchmarks after a successful job ------------------------------------------------------

  /** Starts the benchmark step in the slot the job held. Returns false when there is none to run. */
  private async startBenchmark(id: string, l: Live, onDone?: (ok: boolean) => void): Promise<boolean> {
    const row = this.store.require(id);
    const suites = resolveSuites(parseJson<unknown>(row.benchmarks, true), l.gpus.length === 0, this.childEnv());
    if (!suites || (!suites.lm_eval && !suites.needle)) {
      this.store.update(id, { benchmark_status: 'skipped' });
      return false;
    }
    // After a job: its adapter. On demand: the adapter of the fine-tuned model asked for, or none (a base model).
    const onDemand = parseJson<{ type: string; adapter_path?: string | null }>(row.method, { type: 'supervised' });
    const adapter = onDemand.type === 'benchmark' ? (onDemand.adapter_path ?? null) : row.output_path;
    if (onDemand.type !== 'benchmark' && !adapter) return false;
    const dir = join(this.jobDir(id), 'benchmark');
    mkdirSync(dir, { recursive: true });
    let mlflow: Record<string, unknown> | null = null;
    try {
      const links = (await this.o.mlflowForBenchmark?.(row)) ?? null;
      if (links) {
        // The job links to the experiment (an on-demand benchmark has none yet); the spec takes only what the bench CLI accepts.
        this.store.update(id, { mlflow: JSON.stringify({ ...parseJson<object>(row.mlflow, {}), ...links, run_name: undefined }) });
        mlflow = { tracking_uri: links.tracking_uri, experiment_name: links.experiment_name, run_name: links.run_name };
      }
    } catch (err) {
      this.store.addEvent(id, { level: 'warn', message: `MLflow is unavailable, benchmarking without tracking: ${(err as Error).message}` });
    }
    const spec = {
      version: 1,
      job_id: id,
      model: row.model,
      adapter_path: adapter,
      models_dir: this.o.dirs.modelsDir,
      output_dir: dir,
      events_file: join(dir, 'events.jsonl'),
      suites,
      compare_base: adapter !== null,
      cache_dir: join(this.o.dirs.root, 'benchmark-cache'),
      mlflow,
      gpus: l.gpus.length,
    };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec, null, 2));
    const proc = new TrainerProcess({
      command: this.o.python,
      args: ['-m', 'hone_trainer.bench', '--spec', join(dir, 'spec.json')],
      cwd: this.jobDir(id),
      env: { ...this.childEnv(), CUDA_VISIBLE_DEVICES: l.gpus.join(','), PYTHONUNBUFFERED: '1', HONE_JOB_ID: id },
      consoleFile: this.consoleFile(id),
    });
    l.proc = proc;
    l.completed = null;
    this.store.update(id, { benchmark_status: 'running', pid: proc.pid, pid_started: proc.startTime, bench_events_offset: 0 });
    const timer = setInterval(() => this.importBenchEvents(id), 1_000);
    void proc.exited.then(async (exit) => {
      clearInterval(timer);
      this.importBenchEvents(id);
      if (sessionMembers(proc.pid).length > 0) signalSession(proc.pid, 'SIGKILL');
      const ok = exit.exitCode === EXIT_OK && l.completed !== null; // set when the completed event was imported
      this.store.update(id, {
        pid: null,
        pid_started: null,
        benchmark_status: ok ? 'succeeded' : 'failed',
        ...(ok ? {} : { benchmark_results: JSON.stringify({ ...parseJson<object>(this.store.require(id).benchmark_results, {}), error: `the benchmark process exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.exitCode}`}; see the job's console` }) }),
      });
      onDone?.(ok);
      this.live.delete(id);
      this.schedule();
    });
    return true;
  }

  /**
   * An on-demand benchmark of any model (`POST /v1/benchmarks`): a row in the same queue as the
   * fine-tuning jobs (so it waits for a slot like them, with the same events and console), kept
   * out of the fine-tuning job lists.
   */
  async createBenchmark(body: { model: string; suites?: unknown; gpus?: number; priority?: number }): Promise<JobRow> {
    let base = body.model;
    let adapter: string | null = null;
    if (body.model.startsWith('ft:')) {
      const ft = this.store.byFineTunedModel(body.model);
      if (!ft?.output_path) throw new ApiError(400, `The model '${body.model}' does not exist (or its weights were deleted).`, 'model', 'model_not_found');
      base = ft.model;
      adapter = ft.output_path;
    } else {
      const reason = await this.o.catalog.rejectReason(body.model, this.childEnv());
      if (reason) throw new ApiError(400, reason, 'model', 'model_not_found');
    }
    const gpus = body.gpus ?? (this.gpus.length > 0 ? 1 : 0);
    if (gpus > 0 && this.gpus.length === 0) throw badRequest(`This machine has no GPU; the benchmark asks for ${gpus}. Use gpus = 0.`, 'gpus');
    const suites = resolveSuites(body.suites ?? true, false, this.childEnv());
    if (!suites) throw badRequest('At least one suite (lm_eval, needle) must be on.', 'suites');
    const id = newId('bench-');
    this.store.insert({
      ...this.blankRow(),
      id,
      created_at: nowSeconds(),
      model: base,
      status: 'queued',
      training_file: '',
      method: JSON.stringify({ type: 'benchmark', adapter_path: adapter, source_model: body.model }),
      seed: 0,
      gpus,
      priority: body.priority ?? 0,
      benchmarks: JSON.stringify(body.suites ?? true),
    });
    this.store.addEvent(id, { message: `Created benchmark of ${body.model}` });
    this.schedule();
    return this.store.require(id);
  }

  private async startOnDemandBenchmark(row: JobRow, gpus: number[]): Promise<void> {
    mkdirSync(this.jobDir(row.id), { recursive: true });
    const live: Live = { proc: null as unknown as TrainerProcess, gpus, timer: null as unknown as NodeJS.Timeout, stopping: null, completed: null, killTimers: [] };
    this.live.set(row.id, live);
    this.store.update(row.id, { status: 'running', started_at: nowSeconds(), assigned_gpus: JSON.stringify(gpus) });
    const started = await this.startBenchmark(row.id, live, (ok) => {
      const cancelled = this.store.require(row.id).status === 'cancelled';
      this.store.update(row.id, { status: cancelled ? 'cancelled' : ok ? 'succeeded' : 'failed', finished_at: nowSeconds(), assigned_gpus: null });
    });
    if (!started) {
      this.live.delete(row.id);
      this.store.update(row.id, { status: 'failed', finished_at: nowSeconds() });
    }
  }

  /** A benchmark row as the API shows it. */
  toBenchmarkApi(row: JobRow) {
    const m = parseJson<{ source_model?: string; adapter_path?: string | null }>(row.method, {});
    return {
      id: row.id,
      object: 'benchmark' as const,
      created_at: row.created_at,
      model: m.source_model ?? row.model,
      base_model: row.model,
      status: row.status,
      finished_at: row.finished_at,
      settings: parseJson<unknown>(row.benchmarks, true),
      queue_reason: row.status === 'queued' ? (this.waiting.get(row.id)?.reason ?? null) : null,
      results: row.benchmark_status ? { status: row.benchmark_status, ...parseJson<object>(row.benchmark_results, {}) } : null,
      mlflow: parseJson<unknown>(row.mlflow, null),
    };
  }

  private benchCompleted(id: string, e: TrainerEvent): void {
    const row = this.store.require(id);
    this.store.update(id, {
      benchmark_results: JSON.stringify({ metrics: e.metrics, deltas: e.deltas, artifacts: e.artifacts, failed_suites: e.failed_suites ?? [], report: e.report ?? null }),
    });
    const m = parseJson<Record<string, string> | null>(row.mlflow, null);
    if (m && typeof e.mlflow_run_id === 'string') {
      this.store.update(id, {
        mlflow: JSON.stringify({ ...m, benchmark_run_id: e.mlflow_run_id, benchmark_run_url: `${m.tracking_uri}/#/experiments/${m.experiment_id}/runs/${e.mlflow_run_id}` }),
      });
    }
  }

  /** Benchmark events: same importer, its own file and offset. */
  private importBenchEvents(id: string): TrainerEvent[] {
    return this.importLines(id, join(this.jobDir(id), 'benchmark', 'events.jsonl'), 'bench_events_offset', (e) => {
      const ev = benchEventToJobEvent(e);
      if (ev) this.store.addEvent(id, ev);
      if (e.type === 'completed') {
        this.benchCompleted(id, e);
        const l = this.live.get(id);
        if (l) l.completed = e;
      }
    });
  }

  private async succeed(id: string, completed: TrainerEvent, done: Partial<JobRow>): Promise<void> {
    const row = this.store.require(id);
    const resultFiles: string[] = [];
    const results = (completed.results_file as string | undefined) ?? join(this.jobDir(id), 'output', 'results.csv');
    if (existsSync(results)) {
      const written = await writeTempFile(createReadStream(results), this.o.dirs.tmpDir);
      const f = await this.o.files.add(written, { filename: `${id}-results.csv`, purpose: 'fine-tune-results' });
      resultFiles.push(f.id);
    }
    const name = `ft:${row.model}:hone:${row.suffix ?? ''}:${id}`;
    this.store.update(id, { ...done, status: 'succeeded', finished_at: nowSeconds(), fine_tuned_model: name, result_files: JSON.stringify(resultFiles) });
    this.store.addEvent(id, { message: `New fine-tuned model created: ${name}` });
    this.store.addEvent(id, { message: 'The job has successfully completed' });
  }

  /** A job whose trainer was running when Hone died: end what is left, import its events, queue it again. */
  private async recover(row: JobRow): Promise<void> {
    // A training process that outlived the last core keeps its work: re-attach instead of killing it.
    const training = row.benchmark_status !== 'running' && !row.id.startsWith('bench-');
    if (training && row.pid !== null && isSameProcess(row.pid, row.pid_started) && !this.closed) return this.reattach(row);
    if (row.pid !== null && isSameProcess(row.pid, row.pid_started)) {
      signalSession(row.pid, 'SIGKILL');
      for (let i = 0; i < 50 && sessionMembers(row.pid).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    }
    const events = this.importEvents(row.id);
    const fresh = this.store.require(row.id);
    const done: Partial<JobRow> = { pid: null, pid_started: null, assigned_gpus: null, pending_action: null };
    const completed = events.find((e) => e.type === 'completed');
    if (fresh.status === 'running' && completed) return this.succeed(row.id, completed, done);
    if (fresh.status === 'running') {
      this.store.update(row.id, { ...done, status: 'queued' });
      this.store.addEvent(row.id, {
        level: 'warn',
        message: `Hone stopped while this job was running; it was queued again and resumes from its last checkpoint${fresh.step ? ` (the trainer had reached step ${fresh.step})` : ''}`,
      });
    } else {
      this.store.update(row.id, { ...done, finished_at: fresh.status === 'cancelled' ? (fresh.finished_at ?? nowSeconds()) : fresh.finished_at });
      if (fresh.benchmark_status === 'running') {
        this.importBenchEvents(row.id);
        this.store.update(row.id, { benchmark_status: 'failed', benchmark_results: JSON.stringify({ error: 'interrupted: Hone stopped while the benchmarks ran' }) });
        this.store.addEvent(row.id, { level: 'warn', message: 'Hone stopped while the benchmarks ran; they were not completed (the fine-tuned model is unaffected)' });
      }
    }
  }

  /** Takes a running trainer of a previous core back: its slot, events, console and exit. */
  private reattach(row: JobRow): void {
    const gpus = parseJson<number[]>(row.assigned_gpus, []);
    const proc = new AttachedTrainer(row.pid!, row.pid_started, this.consoleFile(row.id), join(this.jobDir(row.id), EXIT_FILE));
    const pending = row.pending_action === 'cancel' || row.pending_action === 'pause' ? row.pending_action : null;
    const live: Live = { proc, gpus, timer: null as unknown as NodeJS.Timeout, stopping: pending, completed: null, killTimers: [] };
    this.live.set(row.id, live);
    this.store.addEvent(row.id, { message: `Hone restarted; the trainer kept running and was re-attached (pid ${row.pid}${row.step ? `, at step ${row.step}` : ''})` });
    // Events written while no core was watching are imported now (a completed one included).
    this.importEvents(row.id);
    live.timer = setInterval(() => this.importEvents(row.id), 500);
    void proc.exited.then((exit) => this.onExit(row.id, exit));
  }
}

export type { JobStatus };
