/** One installer run: its steps with status icons, the running step's progress, elapsed time, the log, cancel. */
import { useEffect, useRef, useState } from 'react';
import type { EnvRun, EnvStep } from '@shared/schemas/environment.js';
import { ProgressBar } from '@/ui';
import { formatAgo, formatDuration } from '@/lib/format';
import { STEP_LABEL, progressText, progressValue } from './environment-text';

const ICON: Record<EnvStep['status'], [string, string]> = {
  pending: ['○', 'not started'],
  running: ['◐', 'running'],
  done: ['✓', 'done'],
  failed: ['✗', 'failed'],
  skipped: ['–', 'skipped'],
};

const OUTCOME: Record<EnvRun['status'], string> = { running: 'running', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' };

function useNow(ms: number, on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, on]);
  return now;
}

export function RunSteps({ run, onCancel, cancelling }: { run: EnvRun; onCancel?: () => void; cancelling?: boolean }) {
  const live = run.status === 'running';
  const now = useNow(1_000, live);
  const elapsed = (live ? now / 1000 : (run.finished_at ?? run.started_at)) - run.started_at;
  const action = run.action.charAt(0).toUpperCase() + run.action.slice(1);
  return (
    <div className="env-run" data-testid="env-run">
      <div className="env-run-head">
        <h3>
          {live ? `${action} in progress` : `Last ${run.action}: ${OUTCOME[run.status]}`}
          <span className="muted env-run-time">
            {live ? ` · ${formatDuration(elapsed)} elapsed` : ` · ${formatAgo(run.finished_at)}, took ${formatDuration(elapsed)}`}
          </span>
        </h3>
        {live && onCancel && (
          <button type="button" className="danger" onClick={onCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      <ol className="env-steps" aria-label={`${action} steps`}>
        {run.steps.map((s) => {
          const [icon, word] = ICON[s.status];
          return (
            <li key={s.name} className={`env-step ${s.status}`} data-testid={`env-step-${s.name}`} aria-current={s.status === 'running' ? 'step' : undefined}>
              <span className="env-step-icon" aria-hidden="true">
                {icon}
              </span>
              <div className="env-step-body">
                <div>
                  <strong>{STEP_LABEL[s.name]}</strong> <span className="sr-only">({word})</span>
                  {s.message && <span className="env-step-msg"> — {s.status === 'failed' && s.message === run.error?.message ? 'see the error above' : s.message}</span>}
                </div>
                {s.status === 'running' && s.progress && (
                  <div className="env-step-progress">
                    <ProgressBar value={progressValue(s.progress)} label={`${STEP_LABEL[s.name]} progress`} />
                    <span className="muted">
                      {progressText(s.progress)}
                      {s.progress.item && <> · {s.progress.item}</>}
                    </span>
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      <RunLog lines={run.log} live={live} />
    </div>
  );
}

/** The installer's output, collapsed; follows the end while open unless the user scrolled up. */
function RunLog({ lines, live }: { lines: string[]; live: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || !open) return;
    const nearEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (nearEnd || live) el.scrollTop = el.scrollHeight;
  }, [lines, open, live]);
  return (
    <details className="env-log" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Details ({lines.length} line{lines.length === 1 ? '' : 's'} of output)</summary>
      <pre ref={ref} className="mono" tabIndex={0} aria-label="Installer output">
        {lines.length ? lines.join('\n') : 'No output yet.'}
      </pre>
    </details>
  );
}
