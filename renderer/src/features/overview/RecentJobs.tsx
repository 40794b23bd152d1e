import { Link } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { ErrorNotice, JobStatusBadge, ProgressBar } from '@/ui';
import { formatAgo, formatDuration, formatTimeLeft } from '@/lib/format';
import { useNow } from './use-now';

function Progress({ job, now }: { job: FineTuningJob; now: number }) {
  const { step, total_steps: total } = job.hone;
  if (job.status === 'queued' || job.status === 'validating_files') {
    return <span className="muted">{job.hone.queue_reason ?? (job.status === 'validating_files' ? 'checking the dataset' : 'waiting for a slot')}</span>;
  }
  if (step === null || !total) return <span className="muted">{job.status === 'running' ? 'starting…' : '—'}</span>;
  const when =
    job.status === 'running'
      ? formatTimeLeft(job.estimated_finish, now)
      : job.finished_at && job.hone.started_at
        ? `took ${formatDuration(job.finished_at - job.hone.started_at)}`
        : '';
  return (
    <div className="ov-progress">
      <ProgressBar value={step / total} label={`Progress of ${job.id}`} />
      <span className="mono" data-testid="job-steps">
        {step}/{total}
      </span>
      <span className="muted" data-testid="job-time-left">
        {when}
      </span>
    </div>
  );
}

/** The last five fine-tuning jobs, kept current by the live stream. */
export function RecentJobs({ query }: { query: UseQueryResult<{ data: FineTuningJob[] }> }) {
  const jobs = query.data?.data ?? [];
  // Every second while a countdown shows; otherwise only for the "created … ago" column.
  const now = useNow(jobs.some((j) => j.status === 'running' && j.estimated_finish) ? 1_000 : 30_000);
  return (
    <section aria-labelledby="ov-recent" className="ov-section">
      <div className="ov-section-head">
        <h2 id="ov-recent">Recent jobs</h2>
        {jobs.length > 0 && <Link to="/jobs">All jobs</Link>}
      </div>
      {query.error ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : !query.data ? (
        <p className="muted">…</p>
      ) : jobs.length === 0 ? (
        <p className="muted">No fine-tuning jobs yet. Start one with “New fine-tuning job”.</p>
      ) : (
        <div className="card ov-table-card">
          <table className="table" data-testid="recent-jobs">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Job</th>
                <th scope="col">Model</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} data-job-id={j.id}>
                  <td>
                    <JobStatusBadge status={j.status} />
                  </td>
                  <td>
                    <Link to={`/jobs/${j.id}`} className="mono">
                      {j.id}
                    </Link>
                  </td>
                  <td className="ov-model">{j.fine_tuned_model ?? j.model}</td>
                  <td>
                    <Progress job={j} now={now} />
                  </td>
                  <td className="muted">{formatAgo(j.created_at, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
