/**
 * The Python environment as a feature of the core: what it is (status, facts from the installer's
 * `hone-env.json` marker and a live probe), and one installer run at a time (install / repair /
 * reinstall / verify) whose events become the run's steps, pushed to listeners (the live stream).
 * The last finished run is kept in the data dir, so a restart still says "last repair failed: …".
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  EnvHardwareInfo,
  EnvMarker,
  EnvRun,
  type EnvironmentStatus,
  type EnvRunBody,
} from '../../shared/schemas/environment.js';
import { ApiError, badRequest } from '../server/errors.js';
import { runtimePaths } from '../paths.js';
import type { LocatedEnvironment } from '../python/locate.js';
import { PythonHealthCache, invalidatePythonHealth, type PythonHealth } from '../system/python-health.js';
import { defaultCandidates, findBasePython, PythonNotFoundError, type BasePython, type Candidate } from './base-python.js';
import { runInstaller, type InstallerHandle } from './installer-process.js';
import { appendLog, applyEvent, finishRun, newRun, setStep } from './run-state.js';

export interface EnvironmentManagerOptions {
  dataDir: string;
  located: LocatedEnvironment;
  /** Running and queued jobs (install / repair / reinstall wait for none). */
  jobs: () => { running: number; queued: number };
  /** The installer folder (default `<trainerDir>/installer`). */
  installer?: string;
  /** Where a base Python is looked for (default: bundled, HONE_BASE_PYTHON, PATH; see base-python.ts). */
  candidates?: () => Candidate[];
  /** Extra installer arguments for install / repair / reinstall (tests: `['--min-free-gb', '100000']`). */
  installArgs?: string[];
  /** Extra arguments for verify (tests: `['--skip-smoke']`). */
  verifyArgs?: string[];
  /** The environment of the installer process. */
  childEnv?: () => NodeJS.ProcessEnv;
  /** Called when an install, repair or reinstall ends (clears caches that read the environment). */
  onEnvironmentChanged?: () => void;
  timeouts?: { installMs: number; verifyMs: number };
}

const MARKER = 'hone-env.json';
const LAST_RUN_FILE = 'environment-last-run.json';
/** How long a status waits for the (cached) torch-import probe before answering without it. */
const HEALTH_WAIT_MS = 1_500;

export class EnvironmentManager {
  private current: { run: EnvRun; handle: InstallerHandle | null; cancelled: boolean } | null = null;
  private last: EnvRun | null;
  private base: BasePython | null = null;
  private hardware: Promise<EnvHardwareInfo> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly health: PythonHealthCache;
  private readonly installer: string;
  private seq = 0;

  constructor(private readonly o: EnvironmentManagerOptions) {
    this.installer = o.installer ?? join(runtimePaths().trainerDir, 'installer');
    this.health = new PythonHealthCache(o.located.python, { okMs: 300_000, badMs: 30_000 }, o.located.profile === 'external');
    this.last = this.readLastRun();
  }

  get python(): string {
    return this.o.located.python;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** An install, repair or reinstall is changing the environment (a verify only reads it). */
  get changing(): boolean {
    return this.current !== null && this.current.run.action !== 'verify';
  }

  /** A change of the status (a run's event, its end); the live stream coalesces these. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) {
      try {
        fn();
      } catch {
        /* a listener's bug must not stop the run */
      }
    }
  }

  private marker(): EnvMarker | null {
    const dir = this.o.located.venvDir;
    if (!dir) return null;
    try {
      const m = EnvMarker.safeParse(JSON.parse(readFileSync(join(dir, MARKER), 'utf8')));
      return m.success ? m.data : null;
    } catch {
      return null;
    }
  }

  async status(): Promise<EnvironmentStatus> {
    const loc = this.o.located;
    const cur = this.current?.run ?? null;
    const installed = existsSync(loc.python) || (loc.profile === 'external' && !isAbsolute(loc.python));
    const marker = this.marker();
    // The probe imports torch (seconds of CPU, cached); skipped while an install rewrites the venv.
    const installing = cur !== null && cur.action !== 'verify';
    const health = installed && !installing ? await this.healthSoon() : null;
    let status: EnvironmentStatus['status'];
    let message: string | null = null;
    const last = this.last;
    const lastFailed = last && last.status === 'failed' ? last : null;
    if (loc.profile === 'external') {
      status = 'external';
      message = health && health.status !== 'ok' ? health.message : null;
    } else if (installing) {
      status = 'installing';
    } else if (!installed) {
      status = 'not_installed';
      if (lastFailed) message = `The last ${lastFailed.action} failed: ${lastFailed.error?.message ?? 'see its log'}`;
    } else if (health && health.status !== 'ok') {
      status = 'broken';
      message = health.message;
    } else if (lastFailed && lastFailed.action !== 'install' && lastFailed.action !== 'reinstall') {
      // torch imports, but the last verify or repair found something wrong (a GPU torch cannot see, a failed smoke run).
      status = 'broken';
      message = `The last ${lastFailed.action} failed: ${lastFailed.error?.message ?? 'see its log'}`;
    } else {
      status = 'ready';
    }
    const jobs = this.o.jobs();
    const lastOk = last?.status === 'succeeded' ? last.result : null;
    return {
      object: 'hone.environment',
      status,
      message,
      profile: loc.profile,
      managed: loc.profile !== 'external',
      python: loc.python,
      venv_dir: loc.venvDir,
      checking: installed && !installing && health === null,
      // While the probe runs: what the installer wrote (the marker) or said at the end of the last run.
      python_version: health?.version ?? marker?.python_version ?? lastOk?.python_version ?? null,
      torch_version: health?.torch ?? marker?.torch_version ?? lastOk?.torch_version ?? null,
      marker,
      base_python: this.base,
      actions: this.actions(status, installed, jobs),
      jobs,
      current_run: cur ? EnvRun.parse(cur) : null,
      last_run: last,
    };
  }

  /**
   * The probe's answer if it comes within a moment; else null (the status then rests on the marker)
   * and listeners hear about the change once the probe ends, so a first GET never waits seconds.
   */
  private healthSoon(): Promise<PythonHealth | null> {
    let settled = false;
    const p = this.health.get().then((v) => {
      settled = true;
      return v;
    });
    return Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), HEALTH_WAIT_MS).unref())]).then((v) => {
      if (v === null) void p.then(() => this.changed());
      return settled ? p : v;
    });
  }

  private actions(status: EnvironmentStatus['status'], installed: boolean, jobs: { running: number; queued: number }): EnvironmentStatus['actions'] {
    const profile = this.o.located.profile;
    const cur = this.current?.run;
    const busy = cur ? `A ${cur.action} is running` : null;
    const n = jobs.running + jobs.queued;
    const jobsReason = n > 0 ? `${n} job${n === 1 ? '' : 's'} ${jobs.running > 0 ? 'running' : 'queued'}: pause or wait for them before changing the environment` : null;
    const external = 'External environment set by HONE_PYTHON: Hone does not install into it';
    const a = (reason: string | null) => ({ allowed: reason === null, reason });
    return {
      install: a(profile === 'external' ? external : busy ?? (installed && status === 'ready' ? 'Already installed: use Repair or Reinstall' : jobsReason)),
      repair: a(profile === 'external' ? external : busy ?? (!installed ? 'Nothing to repair yet: press Install' : jobsReason)),
      reinstall: a(
        profile === 'external'
          ? external
          : profile === 'dev'
            ? "This is the source checkout's .venv: run npm run setup in the Hone folder to recreate it"
            : busy ?? (!installed ? 'Not installed yet: press Install' : jobsReason),
      ),
      verify: a(busy ?? (!installed && status !== 'external' ? 'Not installed yet: press Install' : null)),
    };
  }

  /** Starts a run (202 for the route); refusals are ApiErrors (400 bad wheelhouse, 409 busy). */
  async start(body: EnvRunBody): Promise<EnvironmentStatus> {
    const st = await this.status();
    if (this.current) throw new ApiError(409, `A ${this.current.run.action} of the Python environment is already running: wait for it or cancel it.`, null, 'environment_busy');
    const action = body.action;
    const allowed = st.actions[action];
    if (!allowed.allowed) {
      const jobsBusy = action !== 'verify' && st.jobs.running + st.jobs.queued > 0;
      if (jobsBusy && allowed.reason?.includes('job')) throw new ApiError(409, `${allowed.reason}.`, null, 'jobs_running');
      throw new ApiError(409, `Cannot ${action} now: ${allowed.reason}.`, 'action', 'action_not_allowed');
    }
    if (action === 'verify' && (body.wheelhouse || body.torch)) throw badRequest('verify takes no wheelhouse or torch build: it checks the environment as it is.', body.wheelhouse ? 'wheelhouse' : 'torch', 'invalid_request');
    if (body.wheelhouse) this.checkWheelhouse(body.wheelhouse);
    const run = newRun(`envrun-${Date.now().toString(36)}${(++this.seq).toString(36)}${randomBytes(2).toString('hex')}`, action, {
      wheelhouse: body.wheelhouse ?? null,
      torch: body.torch ?? null,
    });
    this.current = { run, handle: null, cancelled: false };
    this.changed();
    void this.execute(run).catch((e: unknown) => this.finish(run, 'failed', { code: 'installer_crashed', message: (e as Error).message, detail: null }));
    return this.status();
  }

  /** Cancels the current run (kills the installer's process tree). */
  async cancel(): Promise<EnvironmentStatus> {
    const cur = this.current;
    if (!cur) throw new ApiError(409, 'No installer run is in progress.', null, 'no_run');
    cur.cancelled = true;
    cur.handle?.cancel();
    appendLog(cur.run, 'Cancel requested: stopping the installer.');
    this.changed();
    return this.status();
  }

  private checkWheelhouse(path: string): void {
    if (!isAbsolute(path)) throw badRequest(`Give the wheelhouse's full path (got '${path}').`, 'wheelhouse', 'wheelhouse_invalid');
    let st;
    try {
      st = statSync(path);
    } catch {
      throw badRequest(`No wheelhouse at ${path}: the folder or .tar file does not exist.`, 'wheelhouse', 'wheelhouse_invalid');
    }
    if (st.isDirectory()) {
      if (!existsSync(join(path, 'manifest.json'))) throw badRequest(`${path} is not a wheelhouse: it has no manifest.json (build one with npm run wheelhouse).`, 'wheelhouse', 'wheelhouse_invalid');
    } else if (!st.isFile() || !/\.tar$/i.test(path)) {
      throw badRequest(`${path} is not a wheelhouse: give its folder (with manifest.json) or its .tar file.`, 'wheelhouse', 'wheelhouse_invalid');
    }
    // A real wheelhouse, but the checkout's .venv holds the dev profile (test tools), which no wheelhouse has.
    if (this.o.located.profile !== 'app') {
      throw badRequest("An offline install from a wheelhouse is for Hone's own environment (profile app); this one is the source checkout's .venv, made by npm run setup.", 'wheelhouse', 'wheelhouse_invalid');
    }
  }

  private async execute(run: EnvRun): Promise<void> {
    const loc = this.o.located;
    const cur = this.current!;
    let python = loc.python;
    const args: string[] = [];
    if (run.action === 'verify') {
      // The environment's own interpreter runs the (stdlib-only) installer; --venv is the folder above bin/.
      const venv = loc.venvDir ?? dirname(dirname(loc.python));
      args.push('verify', '--venv', venv, ...(this.o.verifyArgs ?? []), '--json');
    } else {
      // A new or repaired venv is made from a base Python; the installer runs with it.
      setStep(run, 'python', 'running', 'Looking for Python 3.10–3.12');
      this.changed();
      try {
        this.base = await findBasePython(this.o.candidates?.() ?? defaultCandidates());
      } catch (e) {
        if (!(e instanceof PythonNotFoundError)) throw e;
        return this.finish(run, 'failed', { code: 'python_not_found', message: e.message, detail: e.tried.join('\n') });
      }
      if (cur.cancelled) return this.finish(run, 'cancelled', null);
      python = this.base.path;
      const command = run.action === 'repair' ? 'repair' : 'install';
      args.push(command, '--venv', loc.venvDir!, '--profile', loc.profile === 'dev' ? 'dev' : 'app');
      if (run.action === 'reinstall') args.push('--reinstall');
      if (run.options.wheelhouse) args.push('--wheelhouse', run.options.wheelhouse);
      if (run.options.torch) args.push('--torch', run.options.torch);
      args.push(...(this.o.installArgs ?? []), '--json');
    }
    if (!existsSync(join(this.installer, '__main__.py'))) {
      return this.finish(run, 'failed', { code: 'installer_missing', message: `Hone's installer is missing (${this.installer}): reinstall Hone.`, detail: null });
    }
    appendLog(run, `$ ${python} ${this.installer} ${args.join(' ')}`);
    const handle = runInstaller({
      python,
      script: this.installer,
      args,
      env: this.o.childEnv?.(),
      timeoutMs: run.action === 'verify' ? (this.o.timeouts?.verifyMs ?? 20 * 60_000) : (this.o.timeouts?.installMs ?? 3 * 3600_000),
      onEvent: (e) => {
        applyEvent(run, e);
        this.changed();
      },
    });
    cur.handle = handle;
    if (cur.cancelled) handle.cancel();
    const r = await handle.result;
    if (r.cancelled) return this.finish(run, 'cancelled', null);
    run.result = r.env;
    return this.finish(run, r.error ? 'failed' : 'succeeded', r.error);
  }

  private finish(run: EnvRun, outcome: 'succeeded' | 'failed' | 'cancelled', error: EnvRun['error']): void {
    if (this.current?.run !== run) return;
    finishRun(run, outcome, error);
    this.current = null;
    this.last = run;
    this.writeLastRun(run);
    // A run may have changed what torch, the trainer and the catalog of models look like.
    invalidatePythonHealth(this.o.located.python);
    if (run.action !== 'verify') {
      this.hardware = null;
      this.o.onEnvironmentChanged?.();
    }
    this.changed();
  }

  /** The installer's `detect --json`, cached (re-read after an install). */
  hardwareInfo(): Promise<EnvHardwareInfo> {
    this.hardware ??= this.detect().catch((e: unknown) => {
      this.hardware = null;
      throw e;
    });
    return this.hardware;
  }

  private async detect(): Promise<EnvHardwareInfo> {
    let python = this.o.located.python;
    if (!existsSync(python) && isAbsolute(python)) {
      try {
        python = (this.base = await findBasePython(this.o.candidates?.() ?? defaultCandidates())).path;
      } catch (e) {
        if (!(e instanceof PythonNotFoundError)) throw e;
        // Detection runs in Python: without one there is nothing to detect with yet (not a server fault).
        return {
          object: 'hone.environment.hardware',
          kind: 'unknown',
          gpus: [],
          driver_version: null,
          variant: null,
          reason: 'Hone detects the GPUs with Python, and no Python 3.10–3.12 was found: install one first.',
          error: { code: 'python_not_found', message: e.message },
        };
      }
    }
    let hw: Record<string, unknown> | null = null;
    let message = '';
    const h = runInstaller({
      python,
      script: this.installer,
      args: ['detect', '--json'],
      env: this.o.childEnv?.(),
      timeoutMs: 60_000,
      onEvent: (e) => {
        if (e.event === 'done' && e.data?.hardware && typeof e.data.hardware === 'object') hw = e.data.hardware as Record<string, unknown>;
        if (e.event === 'step' && e.message) message = e.message;
      },
    });
    const r = await h.result;
    const got = hw as Record<string, unknown> | null;
    if (!got) {
      // A too-old driver is reported as an error, with the hardware still described in the step.
      if (r.error?.code === 'cuda_driver_too_old') return { object: 'hone.environment.hardware', kind: 'nvidia', gpus: [], driver_version: null, variant: null, reason: message, error: { code: r.error.code, message: r.error.message } };
      throw new ApiError(503, `Hardware detection failed: ${r.error?.message ?? 'no answer from the installer'}`, null, r.error?.code ?? 'installer_crashed');
    }
    const kind = typeof got.kind === 'string' ? got.kind : 'cpu';
    const variant = typeof got.variant === 'string' ? got.variant : null;
    const gpus = Array.isArray(got.gpus) ? (got.gpus as Array<{ name?: unknown; memory_mib?: unknown }>).map((g) => ({ name: String(g.name ?? 'GPU'), memory_mib: typeof g.memory_mib === 'number' ? g.memory_mib : null })) : [];
    const driver = typeof got.driver_version === 'string' ? got.driver_version : null;
    const err = got.error && typeof got.error === 'object' ? (got.error as { code: string; message: string }) : null;
    return EnvHardwareInfo.parse({ object: 'hone.environment.hardware', kind, gpus, driver_version: driver, variant, reason: reasonFor(kind, variant, driver), error: err });
  }

  private readLastRun(): EnvRun | null {
    try {
      const r = EnvRun.safeParse(JSON.parse(readFileSync(join(this.o.dataDir, LAST_RUN_FILE), 'utf8')));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  private writeLastRun(run: EnvRun): void {
    try {
      mkdirSync(this.o.dataDir, { recursive: true });
      const file = join(this.o.dataDir, LAST_RUN_FILE);
      writeFileSync(`${file}.tmp`, JSON.stringify(run));
      renameSync(`${file}.tmp`, file);
    } catch {
      /* the summary is a convenience; the run itself is done */
    }
  }

  /** Stops a run in progress (the core is closing). */
  close(): void {
    this.current?.handle?.cancel();
  }
}

/** Why `auto` picks the build it picks, in words. */
export function reasonFor(kind: string, variant: string | null, driver: string | null): string {
  if (kind === 'nvidia') {
    return variant
      ? `NVIDIA driver ${driver ?? '?'}: ${variant} is the newest CUDA build this driver supports.`
      : `NVIDIA driver ${driver ?? '?'} is too old for PyTorch's CUDA builds: update the driver, or choose the CPU build.`;
  }
  if (kind === 'rocm') return 'ROCm found: the ROCm build of torch.';
  if (kind === 'mps') return 'Apple Silicon: the standard macOS build, which uses the GPU through MPS.';
  return 'No GPU found: the CPU build (training runs on the CPU, one job at a time).';
}
