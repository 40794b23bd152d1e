import type { JobStatus } from '@shared/schemas/jobs.js';

const TONE: Record<JobStatus, string> = {
  validating_files: 'warn',
  queued: 'warn',
  running: 'info',
  paused: 'warn',
  succeeded: 'ok',
  failed: 'error',
  cancelled: '',
};

export const jobStatusLabel = (s: JobStatus) => (s === 'validating_files' ? 'validating files' : s);

/** A job's status as a coloured badge (jobs list, job page, overview). */
export function JobStatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge ${TONE[status]}`} data-testid="job-status">
      {jobStatusLabel(status)}
    </span>
  );
}
