/** One installer run as the API shows it: its steps, progress, log tail and error, folded from the installer's events. */
import { ENV_STEPS, type EnvAction, type EnvError, type EnvRun, type EnvStep, type TorchVariant } from '../../shared/schemas/environment.js';
import type { InstallerEvent } from './installer-process.js';

export const LOG_LINES = 200;

/** The steps each action goes through (verify only checks). */
export function stepsFor(action: EnvAction): EnvStep[] {
  const names = action === 'verify' ? (['verify', 'smoke'] as const) : ENV_STEPS;
  return names.map((name) => ({ name, status: 'pending', message: null, progress: null }));
}

export function newRun(id: string, action: EnvAction, options: { wheelhouse: string | null; torch: TorchVariant | null }): EnvRun {
  return { id, action, options, status: 'running', started_at: Math.floor(Date.now() / 1000), finished_at: null, steps: stepsFor(action), log: [], error: null, result: null };
}

function step(run: EnvRun, name: string): EnvStep | undefined {
  return run.steps.find((s) => s.name === name);
}

export function setStep(run: EnvRun, name: string, status: EnvStep['status'], message: string | null): void {
  const s = step(run, name);
  if (!s) return;
  s.status = status;
  if (message !== null) s.message = message;
}

export function appendLog(run: EnvRun, line: string): void {
  run.log.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
  if (run.log.length > LOG_LINES) run.log.splice(0, run.log.length - LOG_LINES);
}

/** Applies one installer event to the run (done and error are handled by the caller at the end). */
export function applyEvent(run: EnvRun, e: InstallerEvent): void {
  switch (e.event) {
    case 'step': {
      const status = (['running', 'done', 'failed', 'skipped'] as const).find((x) => x === e.status);
      if (status) setStep(run, e.step, status, e.message);
      else appendLog(run, `${e.step}: ${e.message ?? e.status}`);
      break;
    }
    case 'progress': {
      const s = step(run, e.step);
      if (s) s.progress = { done: e.done, total: e.total, bytes_done: e.bytes_done, bytes_total: e.bytes_total, item: e.item };
      break;
    }
    case 'log':
      appendLog(run, e.line);
      break;
    default:
      break;
  }
}

/** Closes the run: a step still running failed (or was cancelled); the error, if any, is kept. */
export function finishRun(run: EnvRun, outcome: 'succeeded' | 'failed' | 'cancelled', error: EnvError | null): void {
  run.status = outcome;
  run.error = error;
  run.finished_at = Math.floor(Date.now() / 1000);
  for (const s of run.steps) {
    if (s.status !== 'running') continue;
    s.status = outcome === 'succeeded' ? 'done' : outcome === 'cancelled' ? 'skipped' : 'failed';
    if (outcome === 'cancelled') s.message = 'Cancelled';
    else if (outcome === 'failed' && error) s.message = error.message;
  }
}
