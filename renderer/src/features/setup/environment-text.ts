/** The words of the environment panel: headline, step names, progress, and what to do per error code. */
import type { EnvError, EnvironmentStatus, EnvProgress, EnvStep } from '@shared/schemas/environment.js';
import { formatAgo, formatBytes } from '@/lib/format';

export const STEP_LABEL: Record<EnvStep['name'], string> = {
  python: 'Find Python',
  hardware: 'Detect hardware',
  disk: 'Check free disk',
  venv: 'Create the environment',
  resolve: 'Resolve packages',
  download: 'Download',
  install: 'Install',
  verify: 'Verify torch and the trainer',
  smoke: 'Smoke fine-tune',
};

export const TORCH_LABEL: Record<string, string> = {
  cpu: 'CPU build',
  cu130: 'CUDA 13.0 build',
  cu128: 'CUDA 12.8 build',
  cu126: 'CUDA 12.6 build',
  rocm: 'ROCm build',
  mps: 'Apple MPS build',
};

/** "2.13.0+cpu" → "CPU build" (from the marker's variant when there is one). */
export function torchBuild(version: string | null, variant: string | null | undefined): string {
  const v = variant ?? /\+(\w+)$/.exec(version ?? '')?.[1] ?? null;
  return v ? (TORCH_LABEL[v] ?? v) : 'standard build';
}

function toUnix(at: string | number | null | undefined): number | null {
  if (at === null || at === undefined) return null;
  if (typeof at === 'number') return at;
  const t = Date.parse(at);
  return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}

/** When the environment was last verified: the marker's time or the last successful verify run. */
export function verifiedAt(s: EnvironmentStatus): number | null {
  const fromMarker = toUnix(s.marker?.verified?.at ?? null);
  const run = s.last_run && s.last_run.status === 'succeeded' ? s.last_run.finished_at : null;
  return Math.max(fromMarker ?? 0, run ?? 0) || null;
}

export function headline(s: EnvironmentStatus, nowMs = Date.now()): { text: string; tone: 'ok' | 'error' | 'warn' | 'info' } {
  const torch = s.torch_version ?? s.marker?.torch_version ?? null;
  const at = verifiedAt(s);
  const ready = torch ? `torch ${torch.replace(/\+\w+$/, '')} (${torchBuild(torch, s.marker?.torch_variant)})${at ? `, verified ${formatAgo(at, nowMs)}` : ''}` : '';
  if (s.checking && (s.status === 'ready' || s.status === 'external')) return { text: 'Checking the environment (importing torch)…', tone: 'info' };
  switch (s.status) {
    case 'ready':
      return { text: `Ready: ${ready || 'the trainer imports'}`, tone: 'ok' };
    case 'installing':
      return { text: `${s.current_run?.action === 'repair' ? 'Repairing' : s.current_run?.action === 'reinstall' ? 'Reinstalling' : 'Installing'}…`, tone: 'info' };
    case 'not_installed':
      return { text: 'Not installed yet', tone: 'warn' };
    case 'broken':
      return { text: `Broken: ${s.message ?? 'the environment does not work'}`, tone: 'error' };
    case 'external':
      return s.message ? { text: `External environment, not working: ${s.message}`, tone: 'error' } : { text: `External environment${ready ? `: ${ready}` : ''}`, tone: 'info' };
  }
}

/** "12 of 48 · 1.2 of 3.4 GB" (sizes when known). */
export function progressText(p: EnvProgress): string {
  const count = p.total > 0 ? `${p.done} of ${p.total}` : `${p.done}`;
  const bytes = p.bytes_total ? ` · ${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}` : p.bytes_done ? ` · ${formatBytes(p.bytes_done)}` : '';
  return count + bytes;
}

export function progressValue(p: EnvProgress): number | null {
  if (p.bytes_total) return p.bytes_done / p.bytes_total;
  return p.total > 0 ? p.done / p.total : null;
}

/** What to do after a failure, per error code (the server's message says what happened). */
export function advice(e: EnvError): { text: string; offerWheelhouse?: boolean; offerCpu?: boolean } {
  switch (e.code) {
    case 'no_network':
      return { text: 'This machine cannot reach the package index. Install offline instead: build a wheelhouse on a connected machine (npm run wheelhouse), copy it here and give its path below.', offerWheelhouse: true };
    case 'disk_full':
      return { text: 'Free space on the disk named above (old models, checkpoints or files you no longer need), then press Retry.' };
    case 'python_not_found':
    case 'python_too_old':
      return { text: 'Install Python 3.10, 3.11 or 3.12 (python.org, or your package manager: e.g. apt install python3.11 python3.11-venv), then press Retry. HONE_BASE_PYTHON can name the interpreter to use.' };
    case 'cuda_driver_too_old':
      return { text: 'Update the NVIDIA driver (then restart the machine), or choose the CPU build below and Retry: training then runs on the CPU.', offerCpu: true };
    case 'wheelhouse_invalid':
      return { text: 'Copy the wheelhouse again (a file is missing or changed), or build it for this machine with npm run wheelhouse.', offerWheelhouse: true };
    case 'pip_failed':
      return { text: "pip could not install a package; its own words are in Details. Retry, or install offline from a wheelhouse.", offerWheelhouse: true };
    case 'verify_failed':
    case 'smoke_failed':
      return { text: 'The packages are installed but do not work together. Repair reinstalls what is missing; Reinstall starts from scratch.' };
    case 'installer_timeout':
      return { text: 'The installer took too long (a very slow network?). Retry, or install offline from a wheelhouse.', offerWheelhouse: true };
    default:
      return { text: 'Open Details for the installer output, then Retry. If it fails again, Reinstall starts from a fresh environment.' };
  }
}
