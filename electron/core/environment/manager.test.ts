/**
 * The environment manager with the real installer (trainer/installer) and real Pythons, venvs and
 * pip: verify of the checkout's .venv, and the error paths an install hits (no Python, not enough
 * disk, a bad wheelhouse, pip failing) each ending with the readable error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appVenvDir, locateEnvironment, venvPython, type LocatedEnvironment } from '../python/locate.js';
import { EnvironmentManager, type EnvironmentManagerOptions } from './manager.js';
import { EnvironmentStatus } from '../../shared/schemas/environment.js';

const root = mkdtempSync(join(tmpdir(), 'hone-envmgr-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const BASE = [{ cmd: ['/usr/bin/python3'], source: 'test' }];
const noJobs = () => ({ running: 0, queued: 0 });

function appLocated(dataDir: string): LocatedEnvironment {
  const venvDir = appVenvDir(dataDir);
  return { profile: 'app', python: venvPython(venvDir), venvDir };
}

function manager(name: string, o: Partial<EnvironmentManagerOptions> = {}): { m: EnvironmentManager; dataDir: string } {
  const dataDir = join(root, name);
  mkdirSync(dataDir, { recursive: true });
  const m = new EnvironmentManager({ dataDir, located: appLocated(dataDir), jobs: noJobs, candidates: () => BASE, ...o });
  return { m, dataDir };
}

/** Waits for the current run to end; returns the final status. */
async function settle(m: EnvironmentManager, timeoutMs = 240_000): Promise<EnvironmentStatus> {
  const t0 = Date.now();
  while (m.running) {
    if (Date.now() - t0 > timeoutMs) throw new Error('run did not end');
    await new Promise((r) => setTimeout(r, 200));
  }
  // Exactly what the API sends (its response schema), the installer's result included.
  return EnvironmentStatus.parse(await m.status());
}

function sha256(p: string): string {
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}

/** A wheelhouse folder as `npm run wheelhouse` writes it, for this machine's platform and the base Python. */
function wheelhouse(dir: string, files: Array<{ name: string; sha256: string; size: number }>): string {
  mkdirSync(dir, { recursive: true });
  const [platform, pyver] = execFileSync('/usr/bin/python3', ['-c', 'import sysconfig, platform; print(sysconfig.get_platform().replace("-", "_").replace(".", "_")); print("%s.%s" % platform.python_version_tuple()[:2])'], { encoding: 'utf8' }).trim().split('\n');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 1, created_at: '2026-01-01T00:00:00+00:00', profile: 'app', torch_variant: 'cpu', python_version: pyver, platform, files, requirements: {} }));
  return dir;
}

/** A real, tiny wheel that needs torch (which the wheelhouse then lacks). */
function wheelNeedingTorch(dir: string): { name: string; sha256: string; size: number } {
  mkdirSync(dir, { recursive: true });
  const name = 'honeprobe-0.1-py3-none-any.whl';
  const path = join(dir, name);
  execFileSync('/usr/bin/python3', [
    '-c',
    `import zipfile, sys
z = zipfile.ZipFile(sys.argv[1], "w")
z.writestr("honeprobe/__init__.py", "")
z.writestr("honeprobe-0.1.dist-info/METADATA", "Metadata-Version: 2.1\\nName: honeprobe\\nVersion: 0.1\\nRequires-Dist: torch==2.13.0\\n")
z.writestr("honeprobe-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
z.writestr("honeprobe-0.1.dist-info/RECORD", "")
z.close()`,
    path,
  ]);
  return { name, sha256: sha256(path), size: readFileSync(path).length };
}

describe('environment manager (real installer)', () => {
  it("verify of the checkout's .venv (skip smoke) ends ready with torch's version", { timeout: 180_000 }, async () => {
    const located = locateEnvironment(null, {});
    expect(located.profile).toBe('dev');
    const { m, dataDir } = manager('verify', { located, verifyArgs: ['--skip-smoke'] });
    const changes: number[] = [];
    m.onChange(() => changes.push(Date.now()));
    const started = await m.start({ action: 'verify' });
    expect(started.current_run).toMatchObject({ action: 'verify', status: 'running' });
    const s = await settle(m);
    expect(s.last_run?.error).toBeNull();
    expect(s.last_run).toMatchObject({ action: 'verify', status: 'succeeded' });
    expect(s.status).toBe('ready');
    expect(s.torch_version).toMatch(/^2\.\d+/);
    const steps = Object.fromEntries(s.last_run!.steps.map((x) => [x.name, x.status]));
    expect(steps).toEqual({ verify: 'done', smoke: 'skipped' });
    expect(s.last_run!.steps[0]!.message).toMatch(/torch 2\.\d+/);
    expect(changes.length).toBeGreaterThan(2);
    // Dev profile: repair and verify yes, reinstall points at npm run setup.
    expect(s.actions.reinstall).toMatchObject({ allowed: false, reason: expect.stringMatching(/npm run setup/) });
    expect(s.actions.repair.allowed).toBe(true);
    // The summary survives a restart.
    const again = new EnvironmentManager({ dataDir, located, jobs: noJobs });
    expect((await again.status()).last_run).toMatchObject({ id: s.last_run!.id, status: 'succeeded' });
  });

  it('an install with no Python 3.10–3.12 anywhere → python_not_found naming what was tried', async () => {
    const { m } = manager('nopython', { candidates: () => [{ cmd: ['/nonexistent/python3.12'], source: 'HONE_BASE_PYTHON' }] });
    expect((await m.status()).status).toBe('not_installed');
    await m.start({ action: 'install' });
    const s = await settle(m);
    expect(s.last_run?.error?.code).toBe('python_not_found');
    expect(s.last_run?.error?.message).toMatch(/\/nonexistent\/python3\.12 \(HONE_BASE_PYTHON\): not found/);
    expect(s.last_run?.error?.message).toMatch(/Install Python 3\.10–3\.12 from python\.org or your package manager, then press Install again/);
    expect(s.last_run?.steps.find((x) => x.name === 'python')).toMatchObject({ status: 'failed' });
    expect(s.status).toBe('not_installed');
    expect(s.message).toMatch(/The last install failed/);
  });

  it('not enough free disk → disk_full with the installer message', { timeout: 60_000 }, async () => {
    const { m } = manager('disk', { installArgs: ['--min-free-gb', '100000'] });
    await m.start({ action: 'install', torch: 'cpu' });
    const s = await settle(m);
    expect(s.last_run?.error?.code).toBe('disk_full');
    expect(s.last_run?.error?.message).toMatch(/GB is free on the disk holding .* at least 100000 GB/);
    const steps = Object.fromEntries(s.last_run!.steps.map((x) => [x.name, x.status]));
    expect(steps).toMatchObject({ python: 'done', hardware: 'done', disk: 'failed', venv: 'pending' });
    expect(s.base_python?.path).toMatch(/python/);
  });

  describe('wheelhouses', () => {
    // One venv for these: the venv step creates it once, the later runs reuse it.
    const dataDir = join(root, 'wheels');
    const make = () => manager('wheels', { installArgs: ['--min-free-gb', '0.1'] }).m;

    it('a manifest listing a wheel that is not there → wheelhouse_invalid', { timeout: 120_000 }, async () => {
      const m = make();
      const house = wheelhouse(join(root, 'wh-missing'), [{ name: 'torch-2.13.0-cp311-none-any.whl', sha256: '0'.repeat(64), size: 10 }]);
      await m.start({ action: 'install', wheelhouse: house });
      const s = await settle(m);
      expect(s.last_run?.error?.code).toBe('wheelhouse_invalid');
      expect(s.last_run?.error?.message).toMatch(/missing torch-2\.13\.0-cp311-none-any\.whl \(listed in its manifest\)/);
    });

    it('a tampered wheel (hash mismatch) → wheelhouse_invalid', { timeout: 120_000 }, async () => {
      const m = make();
      const dir = join(root, 'wh-tampered');
      const w = wheelNeedingTorch(dir);
      wheelhouse(dir, [w]);
      writeFileSync(join(dir, w.name), Buffer.concat([readFileSync(join(dir, w.name)), Buffer.from('x')]).subarray(1));
      await m.start({ action: 'install', wheelhouse: dir });
      const s = await settle(m);
      expect(s.last_run?.error?.code).toBe('wheelhouse_invalid');
      expect(s.last_run?.error?.message).toMatch(/does not match the sha256/);
    });

    it("pip failing (no torch wheel in the wheelhouse) → pip_failed with pip's own words", { timeout: 180_000 }, async () => {
      const m = make();
      const dir = join(root, 'wh-notorch');
      wheelhouse(dir, [wheelNeedingTorch(dir)]);
      await m.start({ action: 'install', wheelhouse: dir });
      const s = await settle(m);
      expect(s.last_run?.error?.code).toBe('pip_failed');
      expect(`${s.last_run?.error?.message}\n${s.last_run?.error?.detail}`).toMatch(/No matching distribution found for torch/);
      expect(s.last_run?.steps.find((x) => x.name === 'install')).toMatchObject({ status: 'failed' });
      expect(s.last_run?.log.some((l) => /No matching distribution found for torch/.test(l))).toBe(true);
      void dataDir;
    });
  });

  it('one run at a time, install refused while jobs run, a bad wheelhouse refused before spawning, cancel ends the run', { timeout: 60_000 }, async () => {
    const { m } = manager('busy', { jobs: () => ({ running: 2, queued: 0 }) });
    await expect(m.start({ action: 'install' })).rejects.toMatchObject({ status: 409, code: 'jobs_running', message: expect.stringMatching(/2 jobs running: pause or wait/) });
    const { m: m2 } = manager('busy2', { installArgs: ['--min-free-gb', '0.1'] });
    await expect(m2.start({ action: 'install', wheelhouse: '/nonexistent/wheelhouse' })).rejects.toMatchObject({ status: 400, param: 'wheelhouse', message: expect.stringMatching(/does not exist/) });
    await expect(m2.start({ action: 'install', wheelhouse: root })).rejects.toMatchObject({ status: 400, param: 'wheelhouse', message: expect.stringMatching(/no manifest\.json/) });
    await expect(m2.start({ action: 'install', wheelhouse: 'relative/dir' })).rejects.toMatchObject({ status: 400, param: 'wheelhouse' });
    await m2.start({ action: 'install', torch: 'cpu' });
    await expect(m2.start({ action: 'install' })).rejects.toMatchObject({ status: 409, code: 'environment_busy' });
    await m2.cancel();
    const s = await settle(m2);
    expect(s.last_run?.status).toBe('cancelled');
    expect(s.current_run).toBeNull();
  });
});
