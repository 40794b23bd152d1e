/**
 * What a path given to the import is, and the plan for copying it: which files go to which of the
 * workstation's folders (the models dir, the Hugging Face hub cache, the `datasets` library's cache,
 * the data dir's task folder), with their sizes and, for packs, the sha256 the manifest promises.
 * Everything here is checked before the import starts, so bad input is a 400, never a failed job.
 */
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { PackManifest, type PackItem } from '../../shared/schemas/packs.js';
import { ApiError } from '../server/errors.js';
import { NotATar, tarIndex, type TarMember } from './tar-index.js';

/** The folders an import writes into. */
export type RootKey = 'hub' | 'datasets' | 'models' | 'tasks';

export interface PlanFile {
  root: RootKey;
  /** Path relative to its root, POSIX separators. */
  rel: string;
  /** How the user would name it (the path inside the pack), for error messages. */
  label: string;
  size: number;
  sha256: string | null;
  open(): Readable;
}

export interface ImportPlan {
  source: 'pack' | 'tar' | 'model_dir' | 'hub_cache';
  kind: 'model' | 'benchmarks';
  items: PackItem[];
  tasks: string[];
  files: PlanFile[];
  bytesTotal: number;
}

const bad = (message: string, code: string) => new ApiError(400, message, 'path', code);

/** Every regular file under `dir` (symlinks followed, as a hub cache's snapshots need), relative. */
function walk(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.lock') || name.endsWith('.incomplete')) continue;
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue; // a dangling symlink: nothing to copy
    const rel = prefix ? `${prefix}/${name}` : name;
    if (st.isDirectory()) out.push(...walk(p, rel));
    else if (st.isFile()) out.push(rel);
  }
  return out;
}

const fileFrom = (root: RootKey, rel: string, label: string, abs: string, sha256: string | null = null): PlanFile => ({
  root,
  rel,
  label,
  size: statSync(abs).size,
  sha256,
  open: () => createReadStream(abs),
});

export const isModelDir = (dir: string): boolean =>
  existsSync(join(dir, 'config.json')) && readdirSync(dir).some((f) => /\.(safetensors|bin)$/.test(f));

const REPO = /^(models|datasets)--(.+)$/;
const isRepo = (dir: string) => REPO.test(basename(dir)) && existsSync(join(dir, 'snapshots')) && existsSync(join(dir, 'refs'));

/** `models--org--name` → `org/name`. */
export const repoId = (folder: string): string => {
  const parts = REPO.exec(folder)![2]!.split('--');
  return parts.length === 1 ? parts[0]! : `${parts[0]}/${parts.slice(1).join('--')}`;
};

/** The files of one hub-cache repo's current revision (`refs/main`, else its newest snapshot). */
function repoFiles(repo: string): { commit: string; files: PlanFile[] } {
  const folder = basename(repo);
  const ref = join(repo, 'refs', 'main');
  let commit = existsSync(ref) ? readFileSync(ref, 'utf8').trim() : '';
  if (!commit || !existsSync(join(repo, 'snapshots', commit))) {
    const snaps = readdirSync(join(repo, 'snapshots')).sort((a, b) => statSync(join(repo, 'snapshots', b)).mtimeMs - statSync(join(repo, 'snapshots', a)).mtimeMs);
    if (!snaps[0]) throw bad(`${repo} is a Hugging Face cache folder with no snapshot in it.`, 'not_a_pack');
    commit = snaps[0];
  }
  const snap = join(repo, 'snapshots', commit);
  const files = walk(snap).map((f) => fileFrom('hub', `${folder}/snapshots/${commit}/${f}`, `${folder}/snapshots/${commit}/${f}`, join(snap, f)));
  return { commit, files };
}

/** Reads `dir` as a hub cache: one repo folder, or a cache root (or HF_HOME with hub/) holding several. */
function hubCachePlan(dir: string): ImportPlan | null {
  const root = existsSync(join(dir, 'hub')) && !isRepo(dir) ? join(dir, 'hub') : dir;
  const repos = isRepo(root) ? [root] : readdirSync(root).map((n) => join(root, n)).filter(isRepo);
  const models = repos.filter((r) => basename(r).startsWith('models--'));
  if (!models.length) return null;
  const items: PackItem[] = [];
  const files: PlanFile[] = [];
  for (const repo of models) {
    const { commit, files: f } = repoFiles(repo);
    const snap = join(repo, 'snapshots', commit);
    if (!isModelDir(snap)) continue; // a tokenizer-only or half-downloaded repo is not a model
    items.push({ id: repoId(basename(repo)), type: 'model', revision: commit, destination: 'hub_cache' });
    files.push(...f, { root: 'hub', rel: `${basename(repo)}/refs/main`, label: `${basename(repo)}/refs/main`, size: commit.length, sha256: null, open: () => streamOf(commit) });
  }
  if (!items.length) throw bad(`${dir} is a Hugging Face cache folder, but none of its models has config.json and weights in its current snapshot.`, 'not_a_pack');
  return plan('hub_cache', 'model', items, [], files);
}

/** A ref file's content (a 40-byte commit hash) as a stream, like every other file. */
const streamOf = (text: string): Readable => Readable.from([Buffer.from(text)]);

function plan(source: ImportPlan['source'], kind: ImportPlan['kind'], items: PackItem[], tasks: string[], files: PlanFile[]): ImportPlan {
  return { source, kind, items, tasks, files, bytesTotal: files.reduce((a, f) => a + f.size, 0) };
}

const ROOTS: Record<string, RootKey> = { hub: 'hub', datasets: 'datasets', models: 'models', tasks: 'tasks' };

function readManifest(text: string, where: string): PackManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad(`${where} is not valid JSON.`, 'invalid_manifest');
  }
  if ((json as { format?: unknown })?.format !== undefined && (json as { format?: unknown }).format !== 1) {
    throw bad(`${where} is pack format ${String((json as { format?: unknown }).format)}; this Hone reads format 1. Rebuild the pack with this Hone's npm run pack.`, 'unsupported_pack_format');
  }
  const m = PackManifest.safeParse(json);
  if (!m.success) {
    const issue = m.error.issues[0]!;
    throw bad(`${where} is not a Hone pack manifest (${issue.path.join('.') || 'root'}: ${issue.message}).`, 'invalid_manifest');
  }
  for (const f of m.data.files) {
    const top = f.path.split('/')[0]!;
    if (isAbsolute(f.path) || f.path.split('/').includes('..') || !ROOTS[top] || f.path === top) {
      throw bad(`${where} lists '${f.path}', which is outside hub/, datasets/, models/ and tasks/.`, 'invalid_manifest');
    }
  }
  return m.data;
}

function manifestPlan(m: PackManifest, source: 'pack' | 'tar', open: (path: string) => { size: number; open(): Readable } | null, where: string): ImportPlan {
  const files: PlanFile[] = m.files.map((f) => {
    const got = open(f.path);
    if (!got) throw bad(`The pack ${where} is incomplete: ${f.path} is listed in manifest.json but missing.`, 'pack_incomplete');
    if (got.size !== f.size) throw bad(`The pack ${where} is damaged: ${f.path} has ${got.size} bytes, manifest.json says ${f.size}.`, 'pack_damaged');
    const [top, ...rest] = f.path.split('/');
    return { root: ROOTS[top!]!, rel: rest.join('/'), label: f.path, size: f.size, sha256: f.sha256, open: got.open };
  });
  const items: PackItem[] = m.items.map((i) => {
    const inHub = i.path.startsWith('hub/');
    const id = m.kind === 'model' && !inHub ? posix.basename(i.path) : i.id;
    return { id, type: m.kind === 'model' ? 'model' : 'dataset', revision: i.revision ?? null, destination: inHub ? 'hub_cache' : 'models_dir' };
  });
  return plan(source, m.kind, items, m.kind === 'benchmarks' ? (m.tasks ?? []) : [], files);
}

/** Reads `path` into an import plan, or throws the 400 that says what it is not. */
export function inspect(path: string): ImportPlan {
  if (!isAbsolute(path)) throw bad(`'${path}' is not an absolute path; give the full path of the pack on this machine (the server's machine).`, 'path_not_absolute');
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw bad(`No such file or folder on this machine: ${path}`, 'path_not_found');
  if (st.isFile()) {
    let members: TarMember[];
    try {
      members = tarIndex(path);
    } catch (e) {
      if (e instanceof NotATar) throw bad(`${path} is a file but not a pack: expected a .tar built by npm run pack (${e.message}).`, 'not_a_pack');
      throw e;
    }
    const byName = new Map(members.map((m) => [m.name, m]));
    const man = byName.get('manifest.json');
    if (!man) throw bad(`${path} is a tar without manifest.json at its top, so it is not a Hone pack.`, 'not_a_pack');
    const buf = Buffer.alloc(man.size);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, man.size, man.offset);
    } finally {
      closeSync(fd);
    }
    const m = readManifest(buf.toString('utf8'), `${path}: manifest.json`);
    return manifestPlan(m, 'tar', (p) => {
      const mem = byName.get(p);
      return mem ? { size: mem.size, open: () => createReadStream(path, { start: mem.offset, end: mem.offset + mem.size - 1 }) } : null;
    }, path);
  }
  if (!st.isDirectory()) throw bad(`${path} is neither a folder nor a .tar.`, 'not_a_pack');
  const manifest = join(path, 'manifest.json');
  if (existsSync(manifest)) {
    const m = readManifest(readFileSync(manifest, 'utf8'), manifest);
    return manifestPlan(m, 'pack', (p) => {
      const abs = join(path, ...p.split('/'));
      const s = statSync(abs, { throwIfNoEntry: false });
      return s?.isFile() ? { size: s.size, open: () => createReadStream(abs) } : null;
    }, path);
  }
  if (isModelDir(path)) {
    const name = basename(path);
    const files = walk(path).filter((f) => !f.split('/').some((s) => s.startsWith('.')));
    return plan('model_dir', 'model', [{ id: name, type: 'model', revision: null, destination: 'models_dir' }], [], files.map((f) => fileFrom('models', `${name}/${f}`, f, join(path, f))));
  }
  const hub = hubCachePlan(path);
  if (hub) return hub;
  throw bad(
    `${path} is not a pack (no manifest.json), a model directory (config.json and *.safetensors or *.bin) or a Hugging Face cache folder (models--org--name with snapshots/ and refs/).`,
    'not_a_pack',
  );
}
