import { execFile } from 'node:child_process';
import type { SystemStatus } from '../../shared/schemas/system.js';

export type PythonHealth = SystemStatus['python'];

/** Imports torch for real (a wheel that installed but cannot load is "broken"); ~1.9 s of CPU on the dev VM. */
const PROBE = `import sys, importlib.util as u
print(sys.version.split()[0])
print("yes" if u.find_spec("hone_trainer") else "no")
import torch
print(torch.__version__)`;

const SETUP = 'Open Setup in the app and press Install or Repair (in a source checkout, npm run setup does the same).';

/** Bumped per interpreter when an install or repair ends, so every cache of it probes again. */
const generations = new Map<string, number>();
export function invalidatePythonHealth(python: string): void {
  generations.set(python, (generations.get(python) ?? 0) + 1);
}

/** Runs the probe; never throws. `fromEnv`: the path came from HONE_PYTHON, so the fix may be there. */
export function probePython(python: string, timeoutMs = 60_000, fromEnv = false): Promise<PythonHealth> {
  const FIX = fromEnv ? 'HONE_PYTHON sets this path: correct it, or unset it to let Hone manage its own environment (Setup in the app; in a source checkout, npm run setup).' : SETUP;
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE], { timeout: timeoutMs, env: { ...process.env, PYTHONWARNINGS: 'ignore' } }, (err, stdout, stderr) => {
      const [version = null, trainer, torch = null] = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
      const base = { executable: python, version, torch: err ? null : torch };
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        return resolve({ ...base, status: 'missing', version: null, message: `No Python found at ${python}. ${FIX}` });
      }
      if (err) {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        const why = /No module named 'torch'/.test(stderr)
          ? 'torch is not installed in this Python'
          : err.killed
            ? `importing torch took longer than ${timeoutMs / 1000} s`
            : last || err.message.split('\n')[0]!;
        return resolve({ ...base, status: 'broken', message: `${why}. ${FIX}` });
      }
      if (trainer !== 'yes') return resolve({ ...base, status: 'broken', message: `hone_trainer is not installed in this Python. ${FIX}` });
      resolve({ ...base, status: 'ok', message: null });
    });
  });
}

/** Every cache of one interpreter shares the probe in flight (the Overview's and the Setup view's: one torch import, not two). */
const inflight = new Map<string, { gen: number; value: Promise<PythonHealth> }>();
function sharedProbe(python: string, gen: number, fromEnv: boolean): Promise<PythonHealth> {
  const key = `${python}\0${fromEnv}`;
  const f = inflight.get(key);
  if (f && f.gen === gen) return f.value;
  const value = probePython(python, 60_000, fromEnv).finally(() => {
    if (inflight.get(key)?.value === value) inflight.delete(key);
  });
  inflight.set(key, { gen, value });
  return value;
}

/**
 * The Python environment's health, cached: a healthy answer for 5 min (the probe costs seconds of
 * CPU), a broken or missing one for 60 s (so a fix made outside Hone shows up soon); an install or
 * repair through the Setup view clears it at once (invalidatePythonHealth). Concurrent
 * callers share one probe.
 */
export class PythonHealthCache {
  private last: { at: number; value: PythonHealth; gen: number } | null = null;
  private running: { gen: number; value: Promise<PythonHealth> } | null = null;

  constructor(
    private readonly python: string,
    private readonly ttl = { okMs: 300_000, badMs: 60_000 },
    private readonly fromEnv = false,
  ) {}

  /** The cached answer (probing when there is none or it is stale). */
  async get(): Promise<PythonHealth> {
    const gen = generations.get(this.python) ?? 0;
    // After an install or repair the old answer is wrong: probe afresh and wait for it.
    if (this.last && this.last.gen !== gen) this.last = null;
    const l = this.last;
    if (l && Date.now() - l.at < (l.value.status === 'ok' ? this.ttl.okMs : this.ttl.badMs)) return l.value;
    // A stale answer is still served while the fresh one is probed, except the very first time.
    if (this.running?.gen !== gen) {
      const running = {
        gen,
        value: sharedProbe(this.python, gen, this.fromEnv).then((value) => {
          if ((generations.get(this.python) ?? 0) === gen) this.last = { at: Date.now(), value, gen };
          if (this.running === running) this.running = null;
          return value;
        }),
      };
      this.running = running;
    }
    return l ? l.value : this.running.value;
  }
}
