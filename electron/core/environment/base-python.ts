/**
 * The base Python a new venv is created from (and the installer runs with): 3.10 ≤ version < 3.13.
 * Order: the one bundled with a packaged app, `HONE_BASE_PYTHON`, then the usual names on PATH.
 * `HONE_PYTHON_CANDIDATES` (comma-separated commands; empty = none) replaces the PATH names — for
 * tests and for pinning one interpreter on a machine with several.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { runtimePaths } from '../paths.js';

export interface Candidate {
  /** The command and its leading arguments (`['py', '-3']`). */
  cmd: string[];
  /** Where it came from, for the message ("bundled", "HONE_BASE_PYTHON", "PATH"). */
  source: string;
}

export interface BasePython {
  path: string;
  version: string;
  source: string;
}

export const MIN_VERSION = [3, 10] as const;
export const MAX_EXCLUSIVE = [3, 13] as const;
const IS_WINDOWS = process.platform === 'win32';
const PROBE = 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)';

export function defaultCandidates(env: NodeJS.ProcessEnv = process.env): Candidate[] {
  const out: Candidate[] = [];
  const res = runtimePaths().resourcesDir;
  out.push({ cmd: [IS_WINDOWS ? join(res, 'python', 'python.exe') : join(res, 'python', 'bin', 'python3')], source: 'bundled' });
  if (env.HONE_BASE_PYTHON) out.push({ cmd: [env.HONE_BASE_PYTHON], source: 'HONE_BASE_PYTHON' });
  const names =
    env.HONE_PYTHON_CANDIDATES !== undefined
      ? env.HONE_PYTHON_CANDIDATES.split(',').map((s) => s.trim()).filter(Boolean).map((s) => s.split(/\s+/))
      : [['python3.12'], ['python3.11'], ['python3.10'], ['python3'], ['python'], ...(IS_WINDOWS ? [['py', '-3']] : [])];
  for (const cmd of names) out.push({ cmd, source: env.HONE_PYTHON_CANDIDATES !== undefined ? 'HONE_PYTHON_CANDIDATES' : 'PATH' });
  return out;
}

interface Probed {
  candidate: Candidate;
  version: string | null;
  path: string | null;
  problem: string;
}

function probe(c: Candidate, timeoutMs: number): Promise<Probed> {
  return new Promise((resolve) => {
    execFile(c.cmd[0]!, [...c.cmd.slice(1), '-c', PROBE], { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return resolve({ candidate: c, version: null, path: null, problem: code === 'ENOENT' ? 'not found' : err.killed ? `no answer in ${timeoutMs / 1000} s` : 'does not run' });
      }
      const [version = '', path = ''] = stdout.trim().split(/\r?\n/);
      const v = version.split('.').map(Number);
      const ok = cmp(v, MIN_VERSION) >= 0 && cmp(v, MAX_EXCLUSIVE) < 0;
      resolve({ candidate: c, version, path: path.trim() || c.cmd[0]!, problem: ok ? '' : `Python ${version}, outside 3.10–3.12` });
    });
  });
}

function cmp(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < b.length; i++) if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) - b[i]!;
  return 0;
}

export class PythonNotFoundError extends Error {
  readonly code = 'python_not_found';
  constructor(readonly tried: string[]) {
    super(
      `No Python 3.10–3.12 found to create Hone's environment (tried: ${tried.length ? tried.join('; ') : 'nothing: no candidates'}). ` +
        'Install Python 3.10–3.12 from python.org or your package manager, then press Install again.',
    );
  }
}

/** Probes every candidate in parallel; the first in order that fits wins. Throws PythonNotFoundError. */
export async function findBasePython(candidates: Candidate[] = defaultCandidates(), timeoutMs = 5_000): Promise<BasePython> {
  const probed = await Promise.all(candidates.map((c) => probe(c, timeoutMs)));
  const hit = probed.find((p) => p.problem === '');
  if (hit) return { path: hit.path!, version: hit.version!, source: hit.candidate.source };
  throw new PythonNotFoundError(probed.map((p) => `${p.candidate.cmd.join(' ')} (${p.candidate.source}): ${p.problem}`));
}
