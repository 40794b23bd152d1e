/**
 * Model exports (docs/serving.md, "Export"): rows in SQLite, one export running at a time as
 * `python -m hone_trainer export` in its own session (so a cancel also ends llama.cpp's converter),
 * progress and events read from its JSON lines. A running export found at start was cut off by a
 * restart: it is marked failed; queued ones run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Db } from '../db/database.js';
import { newId } from '../ids.js';
import { signalSession } from '../runner/process-tree.js';
import type { ExportEvent, ExportObject } from '../../shared/schemas/exports.js';

export interface ExportServiceOptions {
  python: string;
  dataDir: string;
  childEnv: () => NodeJS.ProcessEnv;
}

/** What the service needs from the rest of the core; given by the export routes at registration. */
export interface ExportDeps {
  db: Db;
  modelsDir: string;
}

/** A model as the exporter sees it: a base (name or dir) and, for a fine-tuned model, its adapter. */
export interface ExportSource {
  model: string;
  base: string;
  adapter: string | null;
}

export interface ExportRow {
  seq: number;
  id: string;
  model: string;
  base: string;
  adapter: string | null;
  format: ExportObject['format'];
  quantization: ExportObject['quantization'];
  name: string;
  status: ExportObject['status'];
  progress: number | null;
  stage: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  seconds: number | null;
  files: string;
  error: string | null;
  pid: number | null;
}

interface Running {
  id: string;
  proc: ChildProcess;
  cancelled: boolean;
  /** Stopped by close(): queued again for the next start instead of cancelled. */
  requeue: boolean;
  killTimer: NodeJS.Timeout | null;
  done: Promise<void>;
}

export interface Capabilities {
  gguf: boolean;
  lora_gguf: boolean;
  quantizations: string[];
}

const now = () => Math.floor(Date.now() / 1000);
const KILL_GRACE_MS = 5_000;

export class ExportService {
  private deps: ExportDeps | null = null;
  private running: Running | null = null;
  private caps: Promise<Capabilities> | null = null;
  private closed = false;

  constructor(readonly o: ExportServiceOptions) {}

  /** Called once by the export routes with the database; recovers what a previous run left. */
  attach(deps: ExportDeps): void {
    if (this.deps) return;
    this.deps = deps;
    const cut = this.db.prepare(`SELECT id FROM exports WHERE status = 'running'`).all() as { id: string }[];
    for (const { id } of cut) {
      this.finish(id, 'failed', { message: 'interrupted by a restart', code: 'interrupted' });
    }
    this.pump(); // queued exports run again
  }

  private get db(): Db {
    if (!this.deps) throw new Error('ExportService used before attach()');
    return this.deps.db;
  }

  exportDir(id: string): string {
    return join(this.o.dataDir, 'exports', id);
  }

  /** What the environment can export (llama.cpp's converter present, q4_k_m's quantizer); asked once. */
  capabilities(): Promise<Capabilities> {
    this.caps ??= new Promise<Capabilities>((resolve) => {
      const p = spawn(this.o.python, ['-m', 'hone_trainer', 'export', '--capabilities'], { env: this.o.childEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      p.stdout.on('data', (b: Buffer) => (out += b.toString()));
      const none: Capabilities = { gguf: false, lora_gguf: false, quantizations: [] };
      p.on('error', () => resolve(none));
      p.on('close', (code) => {
        try {
          resolve(code === 0 ? (JSON.parse(out.trim().split('\n').pop() ?? '') as Capabilities) : none);
        } catch {
          resolve(none);
        }
      });
    }).then((c) => {
      if (!c.gguf) this.caps = null; // ask again after a repair installs the converter
      return c;
    });
    return this.caps;
  }

  create(src: ExportSource, format: ExportRow['format'], quantization: ExportRow['quantization'], name: string): ExportRow {
    const id = newId('export-');
    this.db
      .prepare(`INSERT INTO exports (id, model, base, adapter, format, quantization, name, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?)`)
      .run(id, src.model, src.base, src.adapter, format, quantization, name, now());
    this.addEvent(id, 'info', `Export of ${src.model} as ${format}${quantization ? ` (${quantization})` : ''} queued`);
    this.pump();
    return this.require(id);
  }

  get(id: string): ExportRow | undefined {
    return this.db.prepare('SELECT * FROM exports WHERE id = ?').get(id) as ExportRow | undefined;
  }

  private require(id: string): ExportRow {
    const r = this.get(id);
    if (!r) throw new Error(`no export ${id}`);
    return r;
  }

  listFor(model: string): ExportRow[] {
    return this.db.prepare('SELECT * FROM exports WHERE model = ? ORDER BY seq DESC').all(model) as ExportRow[];
  }

  events(id: string): ExportEvent[] {
    const rows = this.db.prepare('SELECT * FROM export_events WHERE export_id = ? ORDER BY id').all(id) as Omit<ExportEvent, 'object'>[];
    return rows.map((r) => ({ object: 'hone.export.event' as const, ...r }));
  }

  files(row: ExportRow): { name: string; bytes: number }[] {
    return JSON.parse(row.files) as { name: string; bytes: number }[];
  }

  /** Cancels a queued or running export; answers the row as it stands after the request. */
  async cancel(id: string): Promise<ExportRow> {
    const row = this.require(id);
    if (row.status === 'queued') {
      this.finish(id, 'cancelled', null);
    } else if (row.status === 'running' && this.running?.id === id) {
      const r = this.running;
      r.cancelled = true;
      this.addEvent(id, 'info', 'Cancelling');
      this.signal(r, 'SIGTERM');
      r.killTimer = setTimeout(() => this.signal(r, 'SIGKILL'), KILL_GRACE_MS);
      await r.done;
    }
    return this.require(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    const r = this.running;
    if (!r) return;
    r.requeue = true;
    this.signal(r, 'SIGTERM');
    r.killTimer = setTimeout(() => this.signal(r, 'SIGKILL'), KILL_GRACE_MS);
    await r.done;
  }

  private signal(r: Running, sig: NodeJS.Signals): void {
    if (r.proc.pid && r.proc.exitCode === null && r.proc.signalCode === null) signalSession(r.proc.pid, sig);
  }

  private addEvent(id: string, level: ExportEvent['level'], message: string, stage: string | null = null, progress: number | null = null): void {
    this.db
      .prepare('INSERT INTO export_events (export_id, created_at, level, stage, progress, message) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, now(), level, stage, progress, message);
  }

  private finish(id: string, status: 'succeeded' | 'failed' | 'cancelled', error: { message: string; code: string | null } | null): void {
    this.db.prepare('UPDATE exports SET status = ?, finished_at = ?, error = ?, pid = NULL WHERE id = ?').run(status, now(), error ? JSON.stringify(error) : null, id);
    const msg = status === 'succeeded' ? 'Export succeeded' : status === 'cancelled' ? 'Export cancelled' : `Export failed: ${error?.message ?? 'unknown error'}`;
    this.addEvent(id, status === 'failed' ? 'error' : 'info', msg);
  }

  /** Starts the oldest queued export when none runs. */
  private pump(): void {
    if (this.closed || this.running || !this.deps) return;
    const next = this.db.prepare(`SELECT * FROM exports WHERE status = 'queued' ORDER BY seq LIMIT 1`).get() as ExportRow | undefined;
    if (!next) return;
    this.start(next);
  }

  private start(row: ExportRow): void {
    const src = { base: row.base, adapter: row.adapter };
    const dir = this.exportDir(row.id);
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'files');
    rmSync(out, { recursive: true, force: true }); // what a run cut off by a shutdown left
    const args = ['-m', 'hone_trainer', 'export', '--format', row.format, '--out', out, '--base', src.base, '--models-dir', this.deps!.modelsDir, '--name', row.name];
    if (row.quantization) args.push('--quantization', row.quantization);
    if (src.adapter) args.push('--adapter', src.adapter);
    // detached: the child leads its own session, so signalSession reaches the converter it runs.
    const proc = spawn(this.o.python, args, { cwd: dir, env: this.o.childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(dir, 'console.log'));
    proc.stderr!.pipe(log);
    const stderrTail: string[] = [];
    proc.stderr!.on('data', (b: Buffer) => {
      stderrTail.push(b.toString());
      if (stderrTail.length > 40) stderrTail.shift();
    });
    this.db.prepare(`UPDATE exports SET status = 'running', started_at = ?, progress = 0, pid = ? WHERE id = ?`).run(now(), proc.pid ?? null, row.id);
    this.addEvent(row.id, 'info', 'Export started', null, 0);
    let result: { files: { name: string; bytes: number }[]; seconds: number } | null = null;
    let error: { message: string; code: string | null } | null = null;
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (e.event === 'progress' && typeof e.progress === 'number') {
        const stage = typeof e.stage === 'string' ? e.stage : null;
        this.db.prepare('UPDATE exports SET progress = ?, stage = ? WHERE id = ?').run(e.progress, stage, row.id);
        this.addEvent(row.id, 'info', String(e.message ?? ''), stage, e.progress);
      } else if (e.event === 'done') {
        result = { files: (e.files as { name: string; bytes: number }[]) ?? [], seconds: Number(e.seconds ?? 0) };
      } else if (e.event === 'error') {
        error = { message: String(e.message ?? 'export failed'), code: typeof e.code === 'string' ? e.code : null };
      }
    });
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const running: Running = { id: row.id, proc, cancelled: false, requeue: false, killTimer: null, done };
    this.running = running;
    const end = (code: number | null, spawnError?: Error) => {
      if (running.killTimer) clearTimeout(running.killTimer);
      log.end();
      const r = result as { files: { name: string; bytes: number }[]; seconds: number } | null;
      if (running.requeue) {
        this.db.prepare(`UPDATE exports SET status = 'queued', progress = NULL, stage = NULL, started_at = NULL, pid = NULL WHERE id = ?`).run(row.id);
        this.addEvent(row.id, 'warn', 'Stopped by a shutdown; it runs again at the next start');
      } else if (running.cancelled) {
        this.finish(row.id, 'cancelled', null);
        void rm(out, { recursive: true, force: true });
      } else if (code === 0 && r) {
        this.db.prepare('UPDATE exports SET files = ?, seconds = ?, progress = 1 WHERE id = ?').run(JSON.stringify(r.files), r.seconds, row.id);
        this.finish(row.id, 'succeeded', null);
      } else {
        const last = stderrTail.join('').trim().split('\n').filter(Boolean).pop();
        this.finish(row.id, 'failed', error ?? { message: spawnError?.message ?? `the exporter exited with code ${code}${last ? `: ${last.slice(0, 500)}` : ''}`, code: 'export_failed' });
      }
      this.running = null;
      resolveDone();
      this.pump();
    };
    let ended = false;
    proc.on('error', (err) => {
      if (!ended) {
        ended = true;
        end(null, err);
      }
    });
    proc.on('close', (code) => {
      if (!ended) {
        ended = true;
        end(code);
      }
    });
  }
}
