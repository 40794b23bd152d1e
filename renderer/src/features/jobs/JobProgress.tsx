/** A job's progress in words and a bar: step/total, time left while running, why it waits while queued. */
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { ProgressBar } from '@/ui';
import { formatTimeLeft } from '@/lib/format';

export function jobDuration(job: FineTuningJob, nowMs: number): number | null {
  const start = job.hone.started_at;
  if (!start) return null;
  const end = job.finished_at ?? (job.status === 'running' ? nowMs / 1000 : null);
  return end === null ? null : Math.max(0, end - start);
}

export function queueText(job: FineTuningJob): string {
  if (job.status === 'validating_files') return 'Checking the dataset';
  const pos = job.hone.queue_position;
  const reason = job.hone.queue_reason ?? 'waiting for a free slot';
  return pos ? `#${pos} in the queue: ${reason}` : reason[0]!.toUpperCase() + reason.slice(1);
}

export function JobProgress({ job, now }: { job: FineTuningJob; now: number }) {
  const { step, total_steps: total } = job.hone;
  if (job.status === 'queued' || job.status === 'validating_files') {
    return (
      <span className="muted" data-testid="job-queue-reason">
        {queueText(job)}
      </span>
    );
  }
  if (step === null || !total) return <span className="muted">{job.status === 'running' ? 'Starting the trainer…' : '—'}</span>;
  return (
    <div className="job-progress">
      <ProgressBar value={step / total} label={`Training progress of ${job.id}`} />
      <span className="mono" data-testid="job-steps">
        {step}/{total}
      </span>
      {job.status === 'running' && (
        <span className="muted" data-testid="job-time-left">
          {formatTimeLeft(job.estimated_finish, now)}
        </span>
      )}
      {job.status === 'paused' && job.hone.queue_reason && <span className="muted">{job.hone.queue_reason}</span>}
    </div>
  );
}
