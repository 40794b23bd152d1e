/**
 * `/jobs/:jobId`: one fine-tuning job. Its status and actions, progress or why it waits or failed,
 * the fine-tuned model, the live training charts and console, events, checkpoints,
 * hyperparameters, result files, the benchmark after training and links into Experiments. The job
 * itself stays current through the app's live stream; the charts and events table read the job's
 * event stream, the console its console stream.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { ApiError } from '@/api';
import { EmptyState, ErrorNotice, JobStatusBadge, PageHeader, preloadLiveChart, Spinner } from '@/ui';
import { formatDate, formatDuration, formatInt } from '@/lib/format';
import { BenchmarkResults } from '@/features/benchmarks';
import { experimentLink } from '@/features/experiments';
import { isLive } from './job-actions';
import { useFile, useJob } from './queries';
import { useJobFeed } from './use-job-feed';
import { JobActions } from './JobActions';
import { JobProgress, jobDuration, queueText } from './JobProgress';
import { ChartsPanel } from './ChartsPanel';
import { EventsPanel } from './EventsPanel';
import { CheckpointsPanel } from './CheckpointsPanel';
import { HyperparametersPanel } from './HyperparametersPanel';
import { ResultFiles } from './ResultFiles';
import { FineTunedModel } from './FineTunedModel';
import { ExportPanel } from './ExportPanel';
import { useNow } from './use-now';
import './jobs.css';

// xterm is big: its own chunk, fetched (with uPlot) as soon as the page opens, while the job itself loads.
const loadConsole = () => import('./console/ConsolePanel');
const ConsolePanel = lazy(loadConsole);

export function JobView() {
  const { jobId = '' } = useParams();
  const job = useJob(jobId);
  useEffect(() => {
    void loadConsole();
    preloadLiveChart();
  }, []);
  if (job.error) {
    const missing = job.error instanceof ApiError && job.error.status === 404;
    return (
      <div className="page">
        <PageHeader title="Job" />
        {missing ? (
          <EmptyState title="No such job" actions={<Link to="/jobs">All jobs</Link>}>
            <p>
              There is no fine-tuning job <span className="mono">{jobId}</span> on this server.
            </p>
          </EmptyState>
        ) : (
          <ErrorNotice error={job.error} onRetry={() => void job.refetch()} />
        )}
      </div>
    );
  }
  if (!job.data) {
    return (
      <div className="page">
        <PageHeader title="Job" />
        <Spinner label="Loading the job" />
      </div>
    );
  }
  return <JobPage key={job.data.id} job={job.data} />;
}

/** Counts the times the job became live again (a paused job resumed): its streams then continue. */
function useGeneration(live: boolean): number {
  const [state, setState] = useState({ live, generation: 0 });
  if (state.live !== live) setState({ live, generation: state.generation + (live ? 1 : 0) });
  return state.generation;
}

function JobPage({ job }: { job: FineTuningJob }) {
  const live = isLive(job.status);
  const generation = useGeneration(live);
  const [head, setHead] = useState<string | null | undefined>(undefined);
  const onHead = useCallback((id: string | null) => setHead((h) => (h === undefined ? id : h)), []);
  const { feed, version, ended } = useJobFeed(job.id, generation, head);
  const now = useNow(job.status === 'running' ? 1_000 : null);
  const trainRun = experimentLink(job.hone.mlflow, 'train');
  const benchRun = experimentLink(job.hone.mlflow, 'benchmark');

  return (
    <div className="page job-page">
      <PageHeader
        title={job.suffix ? `Fine-tuning job “${job.suffix}”` : 'Fine-tuning job'}
        subtitle={
          <span className="row">
            <JobStatusBadge status={job.status} />
            <span className="mono">{job.id}</span>
            <span>
              · {job.model} · created {formatDate(job.created_at)}
            </span>
          </span>
        }
        actions={<JobActions job={job} />}
      />

      <section className="card job-status-card" aria-label="Status">
        {/* Queued: the notice below says why it waits. */}
        {job.status !== 'queued' && job.status !== 'validating_files' && (job.hone.step !== null || live) && <JobProgress job={job} now={now} />}
        {(job.status === 'queued' || job.status === 'validating_files') && (
          <div className="notice warn" data-testid="job-queued">
            <div>
              <strong>Waiting to start.</strong> {queueText(job)}.
            </div>
          </div>
        )}
        {job.status === 'failed' && job.error && (
          <div className="notice error" role="alert" data-testid="job-error">
            <div>
              <strong>The job failed.</strong> {job.error.message}
              <div className="muted mono small-text">
                {job.error.code}
                {job.error.param ? ` · ${job.error.param}` : ''}
              </div>
              {job.error.param === 'training_file' && (
                <Link to={`/files/${encodeURIComponent(job.training_file)}/validation`}>Open the training file's validation report</Link>
              )}
            </div>
          </div>
        )}
        <FineTunedModel job={job} />
        <Facts job={job} now={now} />
        {(trainRun || benchRun) && (
          <div className="row job-links">
            <span className="muted">In Experiments (MLflow):</span>
            {trainRun && <Link to={trainRun}>Training run</Link>}
            {benchRun && <Link to={benchRun}>Benchmark run</Link>}
          </div>
        )}
      </section>

      {job.fine_tuned_model && job.status === 'succeeded' && <ExportPanel model={job.fine_tuned_model} />}

      <ChartsPanel series={feed.series} finished={ended} />

      <Suspense
        fallback={
          <section className="card console-card">
            <Spinner label="Loading the console" />
          </section>
        }
      >
        <ConsolePanel jobId={job.id} generation={generation} />
      </Suspense>

      <div className="job-grid">
        <EventsPanel jobId={job.id} feed={feed} version={version} onHead={onHead} />
        <div className="job-col">
          <CheckpointsPanel jobId={job.id} />
          <HyperparametersPanel job={job} />
          <ResultFiles ids={job.result_files} />
        </div>
      </div>

      {job.hone.benchmark && (
        <section className="card" aria-labelledby="job-bench-title">
          <h2 id="job-bench-title">Benchmark</h2>
          <p className="muted small-text">The fine-tuned model against its base, run after training.</p>
          <BenchmarkResults results={job.hone.benchmark} model={job.fine_tuned_model ?? job.model} baseModel={job.model} runId={job.id} />
        </section>
      )}
    </div>
  );
}

function Facts({ job, now }: { job: FineTuningJob; now: number }) {
  const training = useFile(job.training_file);
  const validation = useFile(job.validation_file);
  const gpus = job.hone.assigned_gpus;
  return (
    <dl className="kv job-facts">
      <div>
        <dt>Training file</dt>
        <dd>
          <Link to={`/files/${encodeURIComponent(job.training_file)}/validation`}>{training.data?.filename ?? job.training_file}</Link>
        </dd>
      </div>
      <div>
        <dt>Validation file</dt>
        <dd>{job.validation_file ? <Link to={`/files/${encodeURIComponent(job.validation_file)}/validation`}>{validation.data?.filename ?? job.validation_file}</Link> : <span className="muted">none</span>}</dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>{formatDate(job.hone.started_at)}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>{formatDate(job.finished_at)}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>{formatDuration(jobDuration(job, now))}</dd>
      </div>
      <div>
        <dt>Trained tokens</dt>
        <dd>{formatInt(job.trained_tokens)}</dd>
      </div>
      <div>
        <dt>Runs on</dt>
        <dd>{gpus?.length ? `GPU ${gpus.join(', ')}` : job.hone.gpus === 0 ? 'CPU' : `${job.hone.gpus} GPU${job.hone.gpus === 1 ? '' : 's'} (when assigned)`}</dd>
      </div>
      <div>
        <dt>Priority · seed</dt>
        <dd className="mono">
          {job.hone.priority} · {job.seed}
        </dd>
      </div>
    </dl>
  );
}
