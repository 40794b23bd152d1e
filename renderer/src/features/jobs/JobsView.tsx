/**
 * `/jobs` (`?status=…`): every fine-tuning job, newest first, with its progress, kept current by
 * the app's live stream. The status filter lives in the URL; more jobs load a page at a time.
 */
import { Link, useSearchParams } from 'react-router';
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { EmptyState, ErrorNotice, JobStatusBadge, PageHeader, Spinner } from '@/ui';
import { formatAgo, formatDate, formatDuration } from '@/lib/format';
import { filterFromParams, STATUS_FILTERS } from './list-params';
import { useFile, useJobList } from './queries';
import { JobProgress, jobDuration } from './JobProgress';
import { useNow } from './use-now';
import './jobs.css';

export function JobsView() {
  const [params, setParams] = useSearchParams();
  const filter = filterFromParams(params);
  const list = useJobList(filter);
  const jobs = list.data?.pages.flatMap((p) => p.data) ?? [];
  // Every second while a running job counts down; else only for the "… ago" dates.
  const now = useNow(jobs.some((j) => j.status === 'running') ? 1_000 : 30_000);

  return (
    <div className="page">
      <PageHeader
        title="Jobs"
        subtitle="Fine-tuning jobs on this server, newest first. Open one to follow its console and loss charts."
        actions={
          <Link className="button primary" to="/jobs/new">
            New fine-tuning job
          </Link>
        }
      />
      <div className="row jobs-filter" role="group" aria-label="Show jobs by status">
        {STATUS_FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            className="small"
            aria-pressed={f.value === filter.value}
            onClick={() => setParams(f.value ? { status: f.value } : {}, { replace: true })}
          >
            {f.label}
          </button>
        ))}
      </div>
      {list.error ? (
        <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <Spinner label="Loading jobs" />
      ) : jobs.length === 0 ? (
        filter.value ? (
          <EmptyState title={`No ${filter.label.toLowerCase()} jobs`}>
            <p>
              No job has this status right now. <Link to="/jobs">Show all jobs</Link>.
            </p>
          </EmptyState>
        ) : (
          <EmptyState
            title="No fine-tuning jobs yet"
            actions={
              <Link className="button primary" to="/jobs/new">
                New fine-tuning job
              </Link>
            }
          >
            <p>
              A job trains a model on one of your datasets. Upload a JSONL file under <Link to="/files">Files</Link>, then start a job here; its console and charts
              show it train.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <div className="card table-card">
            <div className="table-wrap">
              <table className="table jobs-table" data-testid="jobs-table">
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Status</th>
                    <th scope="col">Model → fine-tuned</th>
                    <th scope="col">Training file</th>
                    <th scope="col">Progress</th>
                    <th scope="col">Created / finished</th>
                    <th scope="col">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {jobs.map((j) => (
                    <JobRow key={j.id} job={j} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div className="row pager">
            <span className="muted">
              {jobs.length} job{jobs.length === 1 ? '' : 's'} shown{list.hasNextPage ? '; older ones follow' : ''}
            </span>
            {list.hasNextPage && (
              <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? 'Loading…' : 'Load older jobs'}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}

function JobRow({ job, now }: { job: FineTuningJob; now: number }) {
  const file = useFile(job.training_file);
  const duration = jobDuration(job, now);
  return (
    <tr data-job-id={job.id}>
      <td>
        <Link to={`/jobs/${encodeURIComponent(job.id)}`} className="mono job-link">
          {job.id}
        </Link>
        {job.suffix && <div className="muted small-text">suffix {job.suffix}</div>}
      </td>
      <td>
        <JobStatusBadge status={job.status} />
        {job.status === 'failed' && job.error && (
          <div className="small-text status-error job-error-line" title={job.error.message}>
            {job.error.message}
          </div>
        )}
      </td>
      <td className="small-text">
        <div className="mono job-model">{job.model}</div>
        {job.fine_tuned_model && (
          <div className="mono ft-model" title="The fine-tuned model this job made">
            → {job.fine_tuned_model}
          </div>
        )}
      </td>
      <td className="small-text">
        <span title={job.training_file}>{file.data?.filename ?? <span className="mono">{job.training_file}</span>}</span>
      </td>
      <td>
        <JobProgress job={job} now={now} />
      </td>
      <td className="small-text nowrap">
        <div title={formatDate(job.created_at)}>{formatAgo(job.created_at, now)}</div>
        <div className="muted">{job.finished_at ? `finished ${formatAgo(job.finished_at, now)}` : 'not finished'}</div>
      </td>
      <td className="small-text nowrap">{formatDuration(duration)}</td>
    </tr>
  );
}
