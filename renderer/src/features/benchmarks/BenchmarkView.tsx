/**
 * One benchmark run: an on-demand benchmark (`bench-…`) or the benchmark step of a fine-tuning job
 * (the job's id). Status with its reason or latest progress, the results, links to MLflow and the
 * job, its recent events and console.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, keys } from '@/api';
import { ConfirmDialog, EmptyState, ErrorNotice, PageHeader, ProgressBar, Spinner } from '@/ui';
import { formatDate, formatDuration } from '@/lib/format';
import { experimentLink } from '@/features/experiments';
import { z } from 'zod';
import type { JobEvent } from '@shared/schemas/jobs.js';
import { BenchmarkResults } from './BenchmarkResults';
import { ConsoleLog } from './ConsoleLog';
import { useBenchmarkRun, useRecentEvents } from './queries';
import { isActive, STATUS_TEXT, statusBadge, type BenchmarkRun } from './runs';
import './benchmarks.css';

const PROGRESS = /^Benchmark (\S+) (\d+)\/(\d+): ?(.*)$/;

/** The newest benchmark progress among a run's events (newest first). */
export function latestProgress(events: JobEvent[]): { suite: string; step: number; total: number; message: string } | null {
  for (const e of events) {
    const m = PROGRESS.exec(e.message);
    if (m) return { suite: m[1]!, step: Number(m[2]), total: Number(m[3]), message: m[4] ?? '' };
  }
  return null;
}

export function BenchmarkView() {
  const { benchmarkId = '' } = useParams();
  const { run, job, isPending, error, refetch, updatedAt } = useBenchmarkRun(benchmarkId);
  const active = run ? isActive(run.status) : false;
  const events = useRecentEvents(benchmarkId, active);
  const refetchEvents = events.refetch;
  // The live stream updates the run whenever its events change (up to 4 times a second): fetch the
  // newest events then, at most every 2 s, and once more after the last change (the final status).
  const lastEvents = useRef(0);
  useEffect(() => {
    if (!updatedAt) return;
    const t = setTimeout(
      () => {
        lastEvents.current = Date.now();
        void refetchEvents();
      },
      Math.max(0, lastEvents.current + 2_000 - Date.now()),
    );
    return () => clearTimeout(t);
  }, [updatedAt, refetchEvents]);

  if (error) {
    return (
      <div className="page">
        <PageHeader title="Benchmark" />
        <ErrorNotice error={error} onRetry={refetch} title="This benchmark could not be loaded" />
        <p>
          <Link to="/benchmarks">All benchmarks</Link>
        </p>
      </div>
    );
  }
  if (isPending) {
    return (
      <div className="page">
        <PageHeader title="Benchmark" />
        <Spinner />
      </div>
    );
  }
  if (!run) {
    // A job whose benchmark step has not started (it runs after training succeeds) or never will.
    return (
      <div className="page">
        <PageHeader title="Benchmark" subtitle={<span className="mono">{benchmarkId}</span>} />
        <EmptyState
          title="No benchmark for this job yet"
          actions={
            <>
              <Link className="button" to={`/jobs/${encodeURIComponent(benchmarkId)}`}>
                Open the job
              </Link>
              <Link className="button" to="/benchmarks">
                All benchmarks
              </Link>
            </>
          }
        >
          <p>
            {job && isActive(job.status)
              ? `The job is ${job.status.replace('_', ' ')}; its fine-tuned model is benchmarked against the base when training succeeds.`
              : 'This job has no benchmark run.'}
          </p>
        </EmptyState>
      </div>
    );
  }
  return <RunPage run={run} events={events.data?.data ?? []} />;
}

function RunPage({ run, events }: { run: BenchmarkRun; events: JobEvent[] }) {
  const mlflow = experimentLink(run.mlflow, 'benchmark');
  const progress = run.status === 'running' ? latestProgress(events) : null;
  const ended = run.finishedAt && !isActive(run.status);
  return (
    <div className="page benchmark">
      <PageHeader
        title={`Benchmark of ${run.model}`}
        subtitle={
          <>
            <span className="mono">{run.id}</span> · {run.kind === 'job' ? 'after fine-tuning' : 'on demand'} · started {formatDate(run.createdAt)}
            {ended && run.finishedAt && run.finishedAt >= run.createdAt ? ` · took ${formatDuration(run.finishedAt - run.createdAt)}` : ''}
          </>
        }
        actions={
          <>
            {mlflow && (
              <Link className="button" to={mlflow}>
                Open in Experiments (MLflow)
              </Link>
            )}
            {run.kind === 'job' && (
              <Link className="button" to={`/jobs/${encodeURIComponent(run.id)}`}>
                Open the job
              </Link>
            )}
            <Link className="button" to={`/benchmarks?model=${encodeURIComponent(run.model)}`}>
              Benchmark again
            </Link>
            {run.kind === 'on-demand' && isActive(run.status) && <CancelButton id={run.id} />}
          </>
        }
      />
      <section className="card status-card" aria-label="Status" data-testid="benchmark-status">
        <div className="row">
          <span className={`badge ${statusBadge(run.status)}`} data-testid="benchmark-status-badge">
            {STATUS_TEXT[run.status]}
          </span>
          <span>
            <span className="mono">{run.model}</span>
            {run.baseModel ? (
              <>
                {' '}
                compared with its base <span className="mono">{run.baseModel}</span>
              </>
            ) : (
              ' on its own'
            )}
          </span>
        </div>
        {run.status === 'queued' && <p>Waiting: {run.reason ?? 'for a free slot'}.</p>}
        {run.status === 'running' && (
          <div className="progress-line">
            <ProgressBar value={progress && progress.total > 0 ? progress.step / progress.total : null} label="Benchmark progress of the current suite" />
            <span data-testid="benchmark-progress">
              {progress ? `${progress.suite} ${progress.step}/${progress.total}${progress.message ? ` — ${progress.message}` : ''}` : 'Starting…'}
            </span>
          </div>
        )}
        {(run.status === 'failed' || run.status === 'cancelled') && run.reason && (
          <p className="field-error" data-testid="benchmark-reason">
            {run.status === 'cancelled' ? 'Cancelled. ' : 'Failed: '}
            {run.reason}
          </p>
        )}
        {run.status === 'cancelled' && !run.reason && <p>Cancelled before it completed.</p>}
      </section>

      <section aria-labelledby="bench-results-title" className="card">
        <h2 id="bench-results-title">Results</h2>
        <BenchmarkResults results={run.status === 'queued' ? null : run.results} model={run.model} baseModel={run.baseModel} runId={run.id} />
      </section>

      <section aria-labelledby="bench-events-title" className="card">
        <h2 id="bench-events-title">Events</h2>
        {events.length === 0 ? (
          <p className="muted">No events yet.</p>
        ) : (
          <ol className="event-list" data-testid="benchmark-events" tabIndex={0} aria-label="Recent events, newest first">
            {events.map((e) => (
              <li key={e.id} className={e.level}>
                <span className="muted mono">{new Date(e.created_at * 1000).toLocaleTimeString()}</span> {e.message}
              </li>
            ))}
          </ol>
        )}
        <p className="muted small">The newest 20{run.kind === 'job' ? ' (the job page has them all, with training)' : ''}.</p>
        <ConsoleLog id={run.id} />
        <details>
          <summary>Settings</summary>
          <pre className="settings-json" tabIndex={0}>
            {JSON.stringify(run.settings, null, 2)}
          </pre>
        </details>
      </section>
    </div>
  );
}

function CancelButton({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const qc = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api.post(`/v1/fine_tuning/jobs/${encodeURIComponent(id)}/cancel`, z.unknown()),
    onSettled: () => {
      setOpen(false);
      void qc.invalidateQueries({ queryKey: keys.benchmarks.all });
    },
  });
  return (
    <>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Cancel
      </button>
      <ConfirmDialog open={open} title="Cancel this benchmark?" confirmLabel="Cancel benchmark" danger busy={cancel.isPending} onConfirm={() => cancel.mutate()} onCancel={() => setOpen(false)}>
        Its results so far are discarded.
      </ConfirmDialog>
    </>
  );
}
