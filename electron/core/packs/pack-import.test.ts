/**
 * Pack imports against a real core and server: packs built by the trainer's CLI from the built-in
 * hone-tiny-llama (folder and .tar), a hub-cache folder written as huggingface_hub writes one
 * (blobs + snapshot symlinks), a benchmarks pack from a fabricated dataset cache; then GET /v1/models,
 * a tampered file, the 400s with param "path", a duplicate (409) and a disk too small (507).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createCore, type Core } from '../core.js';
import { buildApp } from '../server/app.js';
import type { App } from '../server/types.js';
import { trainerPython } from '../python/locate.js';
import { PackImport } from '../../shared/schemas/packs.js';
import { PackImporter } from './pack-importer.js';
import { ApiError } from '../server/errors.js';
import { DataDir } from '../storage/data-dir.js';
import { startLocalHub } from '../../../tests/node/helpers/local-hub.js';

const KEY = 'packs-test-key-0123456789';
const REV = '0123456789abcdef0123456789abcdef01234567';
const python = trainerPython();
const trainerDir = new URL('../../../trainer', import.meta.url).pathname;
const py = (code: string, args: string[], env: NodeJS.ProcessEnv = { HF_HUB_OFFLINE: '1' }) =>
  execFileSync(python, ['-c', code, ...args], { env: { ...process.env, PYTHONPATH: trainerDir, ...env }, encoding: 'utf8', timeout: 300_000 });
const pack = (...args: string[]) =>
  JSON.parse(py('import sys; from hone_trainer.cli import main; sys.exit(main(["pack", *sys.argv[1:]]))', args).trim().split('\n').pop()!) as { out: string; tar: string | null };

let work: string;
let hfHome: string;
let core: Core;
let app: App;
let url: string;
let tiny: string;

async function api(method: string, path: string, body?: unknown, key: string | null = KEY) {
  const res = await fetch(url + path, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions walk the JSON freely
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function importAndWait(path: string): Promise<PackImport> {
  const r = await api('POST', '/v1/hone/packs/imports', { path });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const started = PackImport.parse(r.body);
  expect(started.status).toBe('importing');
  await core.packs.settled(started.id);
  const done = await api('GET', `/v1/hone/packs/imports/${started.id}`);
  return PackImport.parse(done.body);
}

/** The staging folders an import makes, anywhere it writes: none may outlive the import. */
function staging(): string[] {
  return [join(core.dirs.modelsDir), join(hfHome, 'hub'), join(hfHome, 'datasets')].filter(existsSync).flatMap((d) => readdirSync(d).filter((n) => n.startsWith('.hone-import-')));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hone-packs-'));
  hfHome = join(work, 'hf-home');
  const models = join(work, 'built');
  py('import sys; from hone_trainer.builtin_models import prepare_builtin; prepare_builtin("hone-tiny-llama", sys.argv[1])', [models]);
  tiny = join(models, 'hone-tiny-llama');
  core = await createCore({ dataDir: join(work, 'data'), mlflow: 'off', trainerEnv: { HF_HOME: hfHome, HF_HUB_OFFLINE: '1' } });
  app = await buildApp(core, { security: { bindHost: '127.0.0.1', apiKey: KEY } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 300_000);

afterAll(async () => {
  await app?.close();
  await core?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A copy of hone-tiny-llama named `name`, packed by the CLI. */
function modelPack(name: string, tar = false): { out: string; tar: string | null } {
  const src = join(work, 'src', name);
  cpSync(tiny, src, { recursive: true });
  return pack('model', src, '--out', join(work, `pack-${name}`), ...(tar ? ['--tar'] : []));
}

describe('pack imports', () => {
  it('imports a model pack folder: the model is listed by GET /v1/models and is a base', async () => {
    const { out } = modelPack('tiny-imported');
    const imp = await importAndWait(out);
    expect(imp).toMatchObject({ status: 'succeeded', source: 'pack', kind: 'model', error: null, items: [{ id: 'tiny-imported', type: 'model', destination: 'models_dir' }] });
    expect(imp.progress.bytes_done).toBe(imp.progress.bytes_total);
    expect(imp.progress.bytes_total).toBeGreaterThan(1_000_000);
    expect(readFileSync(join(core.dirs.modelsDir, 'tiny-imported', 'config.json'), 'utf8')).toBe(readFileSync(join(tiny, 'config.json'), 'utf8'));
    const models = await api('GET', '/v1/models');
    const m = (models.body.data as Array<Record<string, unknown>>).find((x) => x.id === 'tiny-imported');
    expect(m).toMatchObject({ kind: 'local', status: 'ready', can_be_base: true });
    expect(staging()).toEqual([]);
    // Listed, newest first
    const list = await api('GET', '/v1/hone/packs/imports');
    expect(list.body.data[0].id).toBe(imp.id);
  });

  it('imports a model pack .tar', async () => {
    const { tar } = modelPack('tiny-tar', true);
    const imp = await importAndWait(tar!);
    expect(imp).toMatchObject({ status: 'succeeded', source: 'tar', items: [{ id: 'tiny-tar' }] });
    expect(existsSync(join(core.dirs.modelsDir, 'tiny-tar', 'model.safetensors')) || readdirSync(join(core.dirs.modelsDir, 'tiny-tar')).some((f) => f.endsWith('.safetensors'))).toBe(true);
  });

  it('packs a model from a hub (snapshot_download, here a local one) and imports it under its hub id', async () => {
    const hub = await startLocalHub({ 'acme/tiny-chat': tiny });
    let out: string;
    try {
      const env: NodeJS.ProcessEnv = { HF_ENDPOINT: hub.endpoint, HF_HUB_OFFLINE: '0', HF_HOME: join(work, 'builder-hf') };
      // Async: the hub answers from this process, so it must not be blocked while the CLI downloads.
      const { stdout } = await promisify(execFile)(python, ['-m', 'hone_trainer', 'pack', 'model', 'acme/tiny-chat', '--out', join(work, 'pack-hub')], {
        env: { ...process.env, PYTHONPATH: trainerDir, ...env },
        timeout: 120_000,
      });
      ({ out } = JSON.parse(stdout.trim().split('\n').pop()!) as { out: string });
      expect(hub.downloads).toContain('acme/tiny-chat');
    } finally {
      await hub.close();
    }
    const imp = await importAndWait(out);
    expect(imp).toMatchObject({ status: 'succeeded', source: 'pack', items: [{ id: 'acme/tiny-chat', type: 'model', destination: 'hub_cache' }] });
    const m = await api('GET', '/v1/models/acme/tiny-chat');
    expect(m.body).toMatchObject({ id: 'acme/tiny-chat', status: 'ready', can_be_base: true });
    expect(m.body.path).toContain(join(hfHome, 'hub', 'models--acme--tiny-chat', 'snapshots'));
  });

  it('an import cut short by a server stop is failed at the next start, its staging removed', () => {
    const dirs = new DataDir(join(work, 'restart-data')).ensure();
    const stagingDir = join(dirs.modelsDir, '.hone-import-packimp-cut', 'x');
    mkdirSync(stagingDir, { recursive: true });
    mkdirSync(join(dirs.root, 'packs'), { recursive: true });
    const cut = { id: 'packimp-cut', object: 'hone.pack_import', path: '/p', source: 'pack', kind: 'model', items: [], tasks: [], status: 'importing', progress: { bytes_done: 5, bytes_total: 9, files_done: 0, files_total: 1 }, created_at: 1, finished_at: null, error: null };
    writeFileSync(join(dirs.root, 'packs', 'imports.json'), JSON.stringify([cut]));
    const again = new PackImporter({ dirs, env: () => ({ HF_HOME: join(work, 'restart-hf') }), knownModelIds: async () => [] });
    expect(again.get('packimp-cut')).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
    expect(existsSync(join(dirs.modelsDir, '.hone-import-packimp-cut'))).toBe(false);
  });

  it('a duplicate is a 409 model_exists, and a built-in name is refused too', async () => {
    const again = await api('POST', '/v1/hone/packs/imports', { path: join(work, 'pack-tiny-imported') });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ param: 'path', code: 'model_exists' });
    expect(again.body.error.message).toContain('tiny-imported');
    const builtin = await api('POST', '/v1/hone/packs/imports', { path: tiny });
    expect(builtin.status).toBe(409);
    expect(builtin.body.error.code).toBe('model_exists');
  });

  it('a tampered file fails the import naming the file, and leaves nothing behind', async () => {
    const { out } = modelPack('tiny-tampered');
    const weights = readdirSync(join(out, 'models', 'tiny-tampered')).find((f) => f.endsWith('.safetensors'))!;
    const file = join(out, 'models', 'tiny-tampered', weights);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff; // same size, other content
    writeFileSync(file, bytes);
    const imp = await importAndWait(out);
    expect(imp.status).toBe('failed');
    expect(imp.error?.code).toBe('checksum_mismatch');
    expect(imp.error?.message).toContain(`models/tiny-tampered/${weights}`);
    expect(existsSync(join(core.dirs.modelsDir, 'tiny-tampered'))).toBe(false);
    expect(staging()).toEqual([]);
    const models = await api('GET', '/v1/models');
    expect((models.body.data as Array<{ id: string }>).some((m) => m.id === 'tiny-tampered')).toBe(false);
  });

  it('imports a Hugging Face cache folder into the hub cache: the hub id is listed and ready offline', async () => {
    // As huggingface_hub writes it: blobs named by hash, snapshot entries symlinked to them.
    const repo = join(work, 'other-cache', 'hub', 'models--hone-test--tiny-hub');
    mkdirSync(join(repo, 'blobs'), { recursive: true });
    mkdirSync(join(repo, 'snapshots', REV), { recursive: true });
    mkdirSync(join(repo, 'refs'));
    writeFileSync(join(repo, 'refs', 'main'), REV);
    for (const f of readdirSync(tiny).filter((n) => !n.startsWith('.'))) {
      const data = readFileSync(join(tiny, f));
      const blob = join(repo, 'blobs', createHash('sha256').update(data).digest('hex'));
      writeFileSync(blob, data);
      symlinkSync(relative(join(repo, 'snapshots', REV), blob), join(repo, 'snapshots', REV, f));
    }
    const imp = await importAndWait(join(work, 'other-cache'));
    expect(imp).toMatchObject({ status: 'succeeded', source: 'hub_cache', items: [{ id: 'hone-test/tiny-hub', destination: 'hub_cache', revision: REV }] });
    const snap = join(hfHome, 'hub', 'models--hone-test--tiny-hub', 'snapshots', REV);
    expect(readFileSync(join(snap, 'config.json'), 'utf8')).toBe(readFileSync(join(tiny, 'config.json'), 'utf8'));
    expect(readFileSync(join(hfHome, 'hub', 'models--hone-test--tiny-hub', 'refs', 'main'), 'utf8')).toBe(REV);
    const m = await api('GET', '/v1/models/hone-test/tiny-hub');
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ id: 'hone-test/tiny-hub', status: 'ready', path: snap, can_be_base: true });
    const dup = await api('POST', '/v1/hone/packs/imports', { path: repo });
    expect(dup.status).toBe(409);
  });

  it('imports a benchmarks pack: datasets into the HF caches, the tasks recorded for the trainer', async () => {
    const cache = join(work, 'bench-cache');
    py(
      `import sys, os, pyarrow as pa, pyarrow.parquet as pq
repo = os.path.join(sys.argv[1], "hub", "datasets--hone-test--tiny-mc")
snap = os.path.join(repo, "snapshots", "${REV}", "data"); os.makedirs(snap); os.makedirs(os.path.join(repo, "refs"))
open(os.path.join(repo, "refs", "main"), "w").write("${REV}")
pq.write_table(pa.table({"question": ["2+2?", "Capital of France?"], "choices": [["3", "4"], ["Paris", "Rome"]], "answer": [1, 0]}), os.path.join(snap, "test-00000-of-00001.parquet"))
os.makedirs(sys.argv[2])
open(os.path.join(sys.argv[2], "hone_tiny_mc.yaml"), "w").write("task: hone_tiny_mc\\ndataset_path: hone-test/tiny-mc\\ntest_split: test\\noutput_type: multiple_choice\\ndoc_to_text: \\"{{question}}\\"\\ndoc_to_choice: \\"{{choices}}\\"\\ndoc_to_target: \\"{{answer}}\\"\\nmetric_list:\\n  - metric: acc\\n")`,
      [cache, join(work, 'tasks')],
    );
    const { tar } = pack('benchmarks', '--tasks', 'hone_tiny_mc', '--include', join(work, 'tasks'), '--from-cache', cache, '--out', join(work, 'pack-bench'), '--tar');
    const imp = await importAndWait(tar!);
    expect(imp).toMatchObject({ status: 'succeeded', kind: 'benchmarks', tasks: ['hone_tiny_mc'], items: [{ id: 'hone-test/tiny-mc', type: 'dataset', destination: 'hub_cache' }] });
    expect(existsSync(join(hfHome, 'hub', 'datasets--hone-test--tiny-mc', 'snapshots', REV, 'data', 'test-00000-of-00001.parquet'))).toBe(true);
    expect(readdirSync(join(hfHome, 'datasets', 'hone-test___tiny-mc', 'default', '0.0.0', REV)).some((f) => f.endsWith('.arrow'))).toBe(true);
    const record = JSON.parse(readFileSync(join(core.dirs.root, 'packs', 'benchmarks.json'), 'utf8')) as { packs: Array<{ tasks: string[]; tasks_dir: string }> };
    expect(record.packs).toHaveLength(1);
    expect(record.packs[0]!.tasks).toEqual(['hone_tiny_mc']);
    expect(existsSync(join(record.packs[0]!.tasks_dir, 'hone_tiny_mc.yaml'))).toBe(true);
    expect(core.preparer.env().HONE_BENCHMARK_PACKS).toBe(join(core.dirs.root, 'packs', 'benchmarks.json'));
    expect(staging()).toEqual([]);
  });

  it('bad input: a 400 with param "path" and a readable message', async () => {
    const cases: Array<[unknown, string]> = [
      [{ path: join(work, 'nope') }, 'path_not_found'],
      [{ path: 'relative/pack' }, 'path_not_absolute'],
      [{ path: join(work, 'plain') }, 'not_a_pack'],
      [{}, 'invalid_request'],
      [{ path: 5 }, 'invalid_request'],
      [{ path: '' }, 'invalid_request'],
    ];
    mkdirSync(join(work, 'plain'), { recursive: true });
    writeFileSync(join(work, 'plain', 'readme.txt'), 'not a model');
    const notTar = join(work, 'notes.txt');
    writeFileSync(notTar, 'hello');
    cases.push([{ path: notTar }, 'not_a_pack']);
    const badManifest = join(work, 'bad-manifest');
    mkdirSync(badManifest);
    writeFileSync(join(badManifest, 'manifest.json'), JSON.stringify({ format: 1, kind: 'model', created_at: 1, items: [{ id: 'x', path: 'models/x' }], files: [{ path: '../etc/passwd', sha256: 'a'.repeat(64), size: 1 }] }));
    cases.push([{ path: badManifest }, 'invalid_manifest']);
    const missing = join(work, 'missing-file');
    mkdirSync(missing);
    writeFileSync(join(missing, 'manifest.json'), JSON.stringify({ format: 1, kind: 'model', created_at: 1, items: [{ id: 'x', path: 'models/x' }], files: [{ path: 'models/x/config.json', sha256: 'a'.repeat(64), size: 2 }] }));
    cases.push([{ path: missing }, 'pack_incomplete']);
    for (const [body, code] of cases) {
      const r = await api('POST', '/v1/hone/packs/imports', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error, JSON.stringify(body)).toMatchObject({ type: 'invalid_request_error', param: 'path', code });
      expect(r.body.error.message.length).toBeGreaterThan(10);
    }
    writeFileSync(join(badManifest, 'manifest.json'), JSON.stringify({ format: 2 }));
    const v2 = await api('POST', '/v1/hone/packs/imports', { path: badManifest });
    expect(v2.body.error).toMatchObject({ param: 'path', code: 'unsupported_pack_format' });
    expect((await api('GET', '/v1/hone/packs/imports/packimp-nope')).status).toBe(404);
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/hone/packs/imports'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/v1/hone/packs/imports/{id}']).toHaveProperty('get');
    expect((await api('GET', '/v1/hone/packs/imports', undefined, null)).status).toBe(401);
    expect((await api('POST', '/v1/hone/packs/imports', { path: join(work, 'nope') }, null)).status).toBe(401);
  });

  it('a disk too small for the pack is refused with both sizes, before anything is copied', async () => {
    const dirs = new DataDir(join(work, 'small-data')).ensure();
    const small = new PackImporter({ dirs, env: () => ({ HF_HOME: join(work, 'small-hf') }), knownModelIds: async () => [], freeBytes: () => 100_000 });
    const err = await small.start(join(work, 'pack-tiny-tar')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 507, param: 'path', code: 'disk_full' });
    expect((err as Error).message).toMatch(/needs 1\.\d MB .* 0\.1 MB are free/);
    expect(readdirSync(dirs.modelsDir)).toEqual([]);
  });
});
