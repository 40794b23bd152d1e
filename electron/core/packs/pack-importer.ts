/**
 * Imports offline packs on the workstation. Each file is streamed (never held in memory) into a
 * staging folder inside the folder it belongs to (same filesystem), hashed on the way; only when
 * every file matched does the staging content get renamed into place, so a damaged pack leaves
 * nothing behind. Models from a hub cache land in the hub cache the trainer reads (their hub id
 * works offline as a base), bare directories in the models dir; benchmark datasets in the hub and
 * `datasets` caches, with the pack's tasks recorded for the trainer (HONE_BENCHMARK_PACKS).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PackImport } from '../../shared/schemas/packs.js';
import { newId, nowSeconds } from '../ids.js';
import { cachedSnapshot, hubCacheRoot } from '../models/hub.js';
import { ApiError } from '../server/errors.js';
import type { DataDir } from '../storage/data-dir.js';
import { inspect, type ImportPlan, type RootKey } from './pack-source.js';

export interface PackImporterOptions {
  dirs: DataDir;
  /** The trainer's environment (HF_HOME, HF_HUB_CACHE, HF_DATASETS_CACHE decide where caches are). */
  env: () => NodeJS.ProcessEnv;
  /** Ids the catalog already uses (built-ins, aliases): an imported model may not take one. */
  knownModelIds: () => Promise<string[]>;
  /** Free bytes of the filesystem holding `dir` (tests inject a small disk). */
  freeBytes?: (dir: string) => number | null;
}

/** Where the `datasets` library keeps prepared datasets (its precedence: HF_DATASETS_CACHE, HF_HOME). */
export function datasetsCacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.HF_DATASETS_CACHE) return env.HF_DATASETS_CACHE;
  return join(env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface'), 'datasets');
}

/** The record the trainer reads to count a pack's tasks as available offline. */
export const benchmarkPacksFile = (dirs: DataDir) => join(dirs.root, 'packs', 'benchmarks.json');

const STAGING = '.hone-import-';
const GB = 1e9;
const size = (b: number) => (b >= GB ? `${(b / GB).toFixed(1)} GB` : `${(b / 1e6).toFixed(1)} MB`);

class ImportFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

function defaultFree(dir: string): number | null {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    const s = statfsSync(d);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Moves the staged tree into `dest`, merging into folders that exist (a hub repo gaining a revision). */
function mergeInto(staged: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const name of readdirSync(staged)) {
    const from = join(staged, name);
    const to = join(dest, name);
    const there = statSync(to, { throwIfNoEntry: false });
    if (there?.isDirectory() && statSync(from).isDirectory()) mergeInto(from, to);
    else {
      if (there) rmSync(to, { recursive: true, force: true });
      renameSync(from, to);
    }
  }
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(value, null, 2));
  renameSync(`${path}.tmp`, path);
}

export class PackImporter {
  private readonly imports = new Map<string, PackImport>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly file: string;

  constructor(private readonly o: PackImporterOptions) {
    this.file = join(o.dirs.root, 'packs', 'imports.json');
    this.load();
  }

  roots(): Record<RootKey, string> {
    const env = this.o.env();
    return { hub: hubCacheRoot(env), datasets: datasetsCacheRoot(env), models: this.o.dirs.modelsDir, tasks: join(this.o.dirs.root, 'packs', 'tasks') };
  }

  /** Newest first. */
  list(): PackImport[] {
    return [...this.imports.values()].reverse().map((i) => structuredClone(i));
  }

  get(id: string): PackImport | null {
    const i = this.imports.get(id);
    return i ? structuredClone(i) : null;
  }

  /** Resolves when the import `id` has finished (tests and shutdown). */
  async settled(id: string): Promise<void> {
    await this.running.get(id);
  }

  /** Checks `path` and starts importing it; throws the 400/409/507 that says why not. */
  async start(path: string): Promise<PackImport> {
    const plan = inspect(path.trim());
    await this.refuseDuplicates(plan);
    this.refuseFullDisk(plan);
    const imp: PackImport = {
      id: newId('packimp-'),
      object: 'hone.pack_import',
      path: path.trim(),
      source: plan.source,
      kind: plan.kind,
      items: plan.items,
      tasks: plan.tasks,
      status: 'importing',
      progress: { bytes_done: 0, bytes_total: plan.bytesTotal, files_done: 0, files_total: plan.files.length },
      created_at: nowSeconds(),
      finished_at: null,
      error: null,
    };
    this.imports.set(imp.id, imp);
    this.save();
    const run = this.run(imp, plan).finally(() => this.running.delete(imp.id));
    this.running.set(imp.id, run);
    return structuredClone(imp);
  }

  private async refuseDuplicates(plan: ImportPlan): Promise<void> {
    const env = this.o.env();
    const known = new Set(await this.o.knownModelIds());
    const busy = new Set([...this.imports.values()].filter((i) => i.status === 'importing').flatMap((i) => i.items.map((x) => x.id)));
    for (const item of plan.items) {
      if (busy.has(item.id)) throw new ApiError(409, `'${item.id}' is being imported already; wait for that import to finish.`, 'path', 'import_running');
      if (item.type !== 'model') continue;
      if (item.destination === 'models_dir' && (item.id.startsWith('.') || item.id.includes('/'))) {
        throw new ApiError(400, `'${item.id}' cannot be a model name in the models dir (rename the folder).`, 'path', 'invalid_model_name');
      }
      const where =
        known.has(item.id) ? 'a built-in or alias of that name' :
        existsSync(join(this.o.dirs.modelsDir, item.id)) ? join(this.o.dirs.modelsDir, item.id) :
        item.destination === 'hub_cache' ? cachedSnapshot(item.id, env) : null;
      if (where) {
        throw new ApiError(409, `The model '${item.id}' already exists (${where}); delete it first, or rename the folder you import.`, 'path', 'model_exists');
      }
    }
  }

  private refuseFullDisk(plan: ImportPlan): void {
    const roots = this.roots();
    const need = new Map<RootKey, number>();
    for (const f of plan.files) need.set(f.root, (need.get(f.root) ?? 0) + f.size);
    // Folders on one filesystem share its free space: add up what each filesystem must take.
    const byDevice = new Map<string, { bytes: number; dir: string }>();
    for (const [root, bytes] of need) {
      let d = roots[root];
      while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
      const key = String(statSync(d).dev);
      const e = byDevice.get(key) ?? { bytes: 0, dir: roots[root] };
      e.bytes += bytes;
      byDevice.set(key, e);
    }
    for (const { bytes, dir } of byDevice.values()) {
      const free = (this.o.freeBytes ?? defaultFree)(dir);
      if (free !== null && bytes > free) {
        throw new ApiError(507, `Not enough disk space for this pack: it needs ${size(bytes)} in ${dir}, and ${size(free)} are free there. Free some space and import again.`, 'path', 'disk_full', 'invalid_request_error');
      }
    }
  }

  private async run(imp: PackImport, plan: ImportPlan): Promise<void> {
    const roots = this.roots();
    const staging = (root: RootKey) => join(roots[root], STAGING + imp.id);
    // Tasks of each benchmarks pack get a folder of their own, named after the import.
    const relOf = (root: RootKey, rel: string) => (root === 'tasks' ? join(imp.id, rel) : rel);
    const used = [...new Set(plan.files.map((f) => f.root))];
    try {
      for (const f of plan.files) {
        const dest = join(staging(f.root), relOf(f.root, f.rel));
        mkdirSync(dirname(dest), { recursive: true });
        const hash = createHash('sha256');
        const count = new Transform({
          transform: (chunk: Buffer, _enc, done) => {
            hash.update(chunk);
            imp.progress.bytes_done += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(f.open(), count, createWriteStream(dest));
        const got = hash.digest('hex');
        if (f.sha256 && got !== f.sha256) {
          throw new ImportFailure(`${f.label} does not match manifest.json (sha256 ${got.slice(0, 12)}…, expected ${f.sha256.slice(0, 12)}…): the pack was changed or damaged on the way. Nothing was imported.`, 'checksum_mismatch');
        }
        imp.progress.files_done += 1;
      }
      for (const root of used) mergeInto(staging(root), roots[root]);
      if (plan.kind === 'benchmarks') this.recordBenchmarks(imp, used.includes('tasks') ? join(roots.tasks, imp.id) : null);
      imp.status = 'succeeded';
    } catch (e) {
      imp.status = 'failed';
      imp.error = e instanceof ImportFailure ? { message: e.message, code: e.code } : { message: `The import stopped: ${(e as Error).message}. Nothing was imported.`, code: 'import_failed' };
    } finally {
      for (const root of used) rmSync(staging(root), { recursive: true, force: true });
      imp.finished_at = nowSeconds();
      this.save();
    }
  }

  private recordBenchmarks(imp: PackImport, tasksDir: string | null): void {
    const file = benchmarkPacksFile(this.o.dirs);
    let packs: Array<{ id: string; tasks: string[]; tasks_dir: string | null; datasets: string[]; imported_at: number }> = [];
    try {
      packs = (JSON.parse(readFileSync(file, 'utf8')) as { packs: typeof packs }).packs ?? [];
    } catch {
      /* the first benchmarks pack */
    }
    packs.push({ id: imp.id, tasks: imp.tasks, tasks_dir: tasksDir, datasets: imp.items.map((i) => i.id), imported_at: nowSeconds() });
    writeJson(file, { packs });
  }

  private load(): void {
    let saved: PackImport[];
    try {
      saved = JSON.parse(readFileSync(this.file, 'utf8')) as PackImport[];
    } catch {
      return;
    }
    for (const i of saved) {
      if (i.status === 'importing') {
        // The server stopped mid-copy: what was staged is removed, and the import says so.
        for (const root of Object.values(this.roots())) rmSync(join(root, STAGING + i.id), { recursive: true, force: true });
        Object.assign(i, { status: 'failed', finished_at: nowSeconds(), error: { message: 'The server stopped during this import; nothing was imported. Import the pack again.', code: 'interrupted' } });
      }
      this.imports.set(i.id, i);
    }
  }

  private save(): void {
    writeJson(this.file, [...this.imports.values()].slice(-200));
  }
}
