/**
 * Experiments: the MLflow UI inside the app. The local MLflow server is reached through Hone's own
 * origin (`/mlflow/`, proxied by the core) and authorised by an HttpOnly session cookie the app
 * obtains with its key; a remote tracking server cannot be framed and opens in a new window.
 * `?experiment=<id>&run=<runId>` (from a job's or benchmark's links) opens MLflow at that run.
 */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { HoneSession, MlflowUi } from '@shared/schemas/mlflow.js';
import { api, keys } from '@/api';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '@/ui';
import { mlflowUiUrl } from './links';
import './experiments.css';

/** A fresh cookie well before the server's 12 h session ends (the view may stay open for a day). */
const SESSION_REFRESH_MS = 60 * 60_000;

const SUBTITLE = 'MLflow: every training and benchmark run, with metrics and artifacts';

export function ExperimentsView() {
  const [params] = useSearchParams();
  const experiment = params.get('experiment');
  const run = params.get('run');

  // Starts the local server when needed (the first start takes several seconds) and says where it is.
  const ui = useQuery({
    queryKey: keys.mlflow.ui,
    queryFn: ({ signal }) => api.post('/v1/hone/mlflow/start', MlflowUi, { signal }),
    retry: false,
    refetchOnWindowFocus: false,
  });
  const embeddable = ui.data?.status === 'ok' && ui.data.embeddable;
  const session = useQuery({
    queryKey: keys.mlflow.session,
    queryFn: ({ signal }) => api.post('/v1/hone/session', HoneSession, { signal }),
    enabled: embeddable,
    staleTime: SESSION_REFRESH_MS,
    refetchInterval: SESSION_REFRESH_MS,
    refetchOnWindowFocus: false,
    retry: false,
  });

  const target = ui.data?.ui_url ? mlflowUiUrl(ui.data.ui_url, experiment, run) : null;
  // MLflow run ids are 32 hex digits; the first 8 are how MLflow itself abbreviates them.
  const shortRun = run && run.length > 8 ? `${run.slice(0, 8)}…` : run;
  const where = experiment ? (shortRun ? `Showing run ${shortRun} of experiment ${experiment}.` : `Showing experiment ${experiment}.`) : null;

  return (
    <div className="page experiments-view">
      <PageHeader
        title="Experiments"
        subtitle={SUBTITLE}
        actions={
          target && ui.data?.status === 'ok' ? (
            <>
              {experiment && (
                <Link className="button" to="/experiments">
                  All experiments
                </Link>
              )}
              <a className="button" href={target} target="_blank" rel="noopener noreferrer">
                Open in a new window
              </a>
            </>
          ) : undefined
        }
      />
      {ui.isPending ? (
        <div className="experiments-state" data-testid="mlflow-starting">
          <Spinner label="Starting MLflow (its first start takes several seconds)" />
        </div>
      ) : ui.isError ? (
        <div className="experiments-state">
          <ErrorNotice title="MLflow did not start" error={ui.error} onRetry={() => void ui.refetch()} />
        </div>
      ) : ui.data.status === 'off' ? (
        <EmptyState
          title="MLflow is off"
          actions={
            <Link className="button primary" to="/settings">
              Open Settings
            </Link>
          }
        >
          <p>{ui.data.message}</p>
          <p className="muted">Jobs and benchmarks still run and keep their results in Hone; only the MLflow runs are missing.</p>
        </EmptyState>
      ) : ui.data.status === 'remote' ? (
        <RemoteMlflow ui={ui.data} target={target!} where={where} />
      ) : session.isError ? (
        <div className="experiments-state">
          <ErrorNotice title="Could not open an MLflow session" error={session.error} onRetry={() => void session.refetch()} />
        </div>
      ) : !session.data ? (
        <div className="experiments-state">
          <Spinner label="Opening MLflow" />
        </div>
      ) : (
        <>
          <p className="muted experiments-where">
            {where && <strong>{where} </strong>}
            Each fine-tuning job logs a training run and, with benchmarks on, a benchmark run, into one experiment per base model and dataset.
          </p>
          <MlflowFrame src={target!} />
        </>
      )}
    </div>
  );
}

/** The proxied MLflow UI, full height; a status line until its page has loaded. */
function MlflowFrame({ src }: { src: string }) {
  const [loaded, setLoaded] = useState(false);
  return (
    <div className="mlflow-frame">
      {!loaded && (
        <div className="mlflow-frame-loading">
          <Spinner label="Loading the MLflow UI" />
        </div>
      )}
      <iframe title="MLflow: experiments and runs" src={src} onLoad={() => setLoaded(true)} data-testid="mlflow-frame" />
    </div>
  );
}

/** A remote tracking server: another origin, so a new window instead of a frame, and why. */
function RemoteMlflow({ ui, target, where }: { ui: MlflowUi; target: string; where: string | null }) {
  return (
    <div className="card experiments-remote" data-testid="mlflow-remote">
      <h2>MLflow opens in a new window</h2>
      <p>{ui.message}</p>
      {where && <p className="muted">{where}</p>}
      <div className="row">
        <a className="button primary" href={target} target="_blank" rel="noopener noreferrer">
          Open MLflow in a new window
        </a>
        <span className="muted mono">{ui.ui_url}</span>
      </div>
    </div>
  );
}
