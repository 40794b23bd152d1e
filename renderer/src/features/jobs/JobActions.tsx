/**
 * Pause, resume and cancel. An action that does not apply stays focusable (aria-disabled) and says
 * why next to the buttons; cancel asks first.
 */
import { useId, useState } from 'react';
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { ConfirmDialog, ErrorNotice } from '@/ui';
import { actionState, type JobAction } from './job-actions';
import { useJobAction } from './queries';

const LABEL: Record<JobAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel job' };
const HINT: Record<JobAction, string> = {
  pause: 'Saves a checkpoint and frees the slot; resume continues from it.',
  resume: 'Queues the job again; it continues from its last checkpoint.',
  cancel: 'Stops the job for good.',
};

export function JobActions({ job }: { job: FineTuningJob }) {
  const act = useJobAction(job.id);
  const [confirm, setConfirm] = useState(false);
  const id = useId();
  const actions: JobAction[] = ['pause', 'resume', 'cancel'];
  const states = Object.fromEntries(actions.map((a) => [a, actionState(job, a)])) as Record<JobAction, ReturnType<typeof actionState>>;
  const run = (a: JobAction) => {
    if (!states[a].enabled || act.isPending) return;
    if (a === 'cancel') setConfirm(true);
    else act.mutate(a);
  };
  return (
    <div className="job-actions">
      <div className="row">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'cancel' ? 'danger' : undefined}
            aria-disabled={!states[a].enabled || act.isPending}
            aria-describedby={`${id}-${a}`}
            title={states[a].reason ?? HINT[a]}
            onClick={() => run(a)}
            data-testid={`job-${a}`}
          >
            {act.isPending && act.variables === a ? `${LABEL[a]}…` : LABEL[a]}
          </button>
        ))}
      </div>
      <ul className="action-reasons muted" data-testid="action-reasons">
        {actions.map((a) => (
          // Every button is described: the reason when it does not apply, else what it does (hidden).
          <li key={a} id={`${id}-${a}`} className={states[a].enabled ? 'sr-only' : undefined}>
            {states[a].enabled ? HINT[a] : `${LABEL[a]}: ${states[a].reason}`}
          </li>
        ))}
      </ul>
      {act.error && <ErrorNotice error={act.error} title={`Could not ${act.variables === 'cancel' ? 'cancel' : act.variables} the job`} />}
      <ConfirmDialog
        open={confirm}
        title="Cancel this job?"
        confirmLabel="Cancel job"
        danger
        busy={act.isPending}
        onCancel={() => setConfirm(false)}
        onConfirm={() => {
          setConfirm(false);
          act.mutate('cancel');
        }}
      >
        <p>
          The trainer stops now and the job cannot be resumed. {job.status === 'running' ? 'Training done so far is lost unless you pause instead (pausing keeps a checkpoint).' : ''}
        </p>
      </ConfirmDialog>
    </div>
  );
}
