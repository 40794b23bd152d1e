/**
 * Which Python environment the core uses — decided here and nowhere else:
 * 1. `HONE_PYTHON` set → that interpreter ("external": Hone verifies it but never installs into it);
 * 2. a source checkout with `<repo>/.venv` → that venv (profile `dev`, made by `npm run setup`),
 *    unless `HONE_VENV=app` asks for the packaged behaviour;
 * 3. the app-owned venv `<dataDir>/python` (profile `app`). Its interpreter path is fixed before it
 *    exists, so services handed `ctx.python` at start work as soon as an install finishes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runtimePaths } from '../paths.js';

/** Repository root in a source checkout (or the folder holding the packaged app's package.json). */
export const REPO_ROOT = runtimePaths().root;

export type EnvProfile = 'app' | 'dev' | 'external';

export interface LocatedEnvironment {
  profile: EnvProfile;
  /** The interpreter every Python child runs with. */
  python: string;
  /** The venv Hone manages (null for an external interpreter). */
  venvDir: string | null;
}

const IS_WINDOWS = process.platform === 'win32';

/** A venv's interpreter (`bin/python`, `Scripts\python.exe` on Windows). */
export function venvPython(venvDir: string): string {
  return IS_WINDOWS ? join(venvDir, 'Scripts', 'python.exe') : join(venvDir, 'bin', 'python');
}

/** The app-owned venv of a data dir. */
export function appVenvDir(dataDir: string): string {
  return join(dataDir, 'python');
}

export function locateEnvironment(dataDir: string | null, env: NodeJS.ProcessEnv = process.env): LocatedEnvironment {
  if (env.HONE_PYTHON) return { profile: 'external', python: env.HONE_PYTHON, venvDir: null };
  const paths = runtimePaths();
  const devVenv = join(paths.root, '.venv');
  if (env.HONE_VENV !== 'app' && !paths.packaged && existsSync(devVenv)) return { profile: 'dev', python: venvPython(devVenv), venvDir: devVenv };
  if (dataDir) {
    const dir = appVenvDir(dataDir);
    return { profile: 'app', python: venvPython(dir), venvDir: dir };
  }
  // No data dir (a bare tool call): the checkout's venv path, or a python3 on PATH.
  return existsSync(devVenv) ? { profile: 'dev', python: venvPython(devVenv), venvDir: devVenv } : { profile: 'app', python: 'python3', venvDir: null };
}

/** The trainer's Python (see locateEnvironment). */
export function trainerPython(env: NodeJS.ProcessEnv = process.env, dataDir: string | null = null): string {
  return locateEnvironment(dataDir, env).python;
}
