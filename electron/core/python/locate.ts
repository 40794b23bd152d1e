import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root in a source checkout (electron/core/python → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The Python that runs the trainer: `HONE_PYTHON`, else the project's `.venv` (created by
 * `scripts/setup.sh`), else `python3` on PATH.
 */
export function trainerPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HONE_PYTHON) return env.HONE_PYTHON;
  const venv = join(REPO_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}
