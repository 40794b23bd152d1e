/** The Python environment: what is installed, its checks, and install / repair / reinstall with live steps. */
import type { EnvironmentStatus } from '@shared/schemas/environment.js';
import { ErrorNotice, Spinner } from '@/ui';
import { advice, headline } from './environment-text';
import { EnvironmentActions, useRunOptions } from './EnvironmentActions';
import { EnvironmentFacts } from './EnvironmentFacts';
import { RunSteps } from './RunSteps';
import { useCancelRun, useEnvironment, useStartRun } from './use-environment';
import './environment.css';

export function EnvironmentPanel() {
  const env = useEnvironment();
  const options = useRunOptions();
  return (
    <section className="card env-panel" aria-labelledby="env-h">
      <h2 id="env-h">Python environment</h2>
      <p className="muted">Hone trains and benchmarks models with PyTorch and its trainer in this Python environment.</p>
      {env.isPending ? (
        <Spinner label="Reading the environment" />
      ) : env.error ? (
        <ErrorNotice error={env.error} onRetry={() => void env.refetch()} />
      ) : (
        <Loaded s={env.data} options={options} />
      )}
    </section>
  );
}

function Loaded({ s, options }: { s: EnvironmentStatus; options: ReturnType<typeof useRunOptions> }) {
  const h = headline(s);
  const cancel = useCancelRun();
  const run = s.current_run ?? s.last_run;
  return (
    <>
      <p className={`env-headline ${h.tone}`} role="status" data-testid="env-headline">
        {h.text}
      </p>
      {s.status === 'not_installed' && !s.current_run && (
        <p>
          Press <strong>Install</strong> to create it: Hone finds Python 3.10–3.12 on this machine, detects the GPUs, and installs the matching PyTorch and the trainer (a few GB). No network here? Install from a wheelhouse.
        </p>
      )}
      <EnvironmentFacts s={s} />
      {s.last_run && !s.current_run && s.last_run.status === 'failed' && s.last_run.error && <Failure s={s} options={options} />}
      <EnvironmentActions s={s} options={options} />
      {run && <RunSteps key={run.id} run={run} onCancel={s.current_run ? () => cancel.mutate() : undefined} cancelling={cancel.isPending} />}
    </>
  );
}

/** A failed run: what happened (the server's words), what to do about it, and Retry. */
function Failure({ s, options }: { s: EnvironmentStatus; options: ReturnType<typeof useRunOptions> }) {
  const last = s.last_run!;
  const err = last.error!;
  const a = advice(err);
  const start = useStartRun();
  const allowed = s.actions[last.action].allowed;
  return (
    <div className="notice error env-failure" role="alert" data-testid="env-error">
      <div style={{ flex: 1 }}>
        <strong>
          {last.action.charAt(0).toUpperCase() + last.action.slice(1)} failed <span className="mono env-code">({err.code})</span>
        </strong>
        <p>{err.message}</p>
        <p>
          <strong>What to do:</strong> {a.text}
        </p>
        {start.error ? <ErrorNotice error={start.error} /> : null}
        {a.offerCpu && (
          <button type="button" onClick={() => options.setTorch('cpu')}>
            Choose the CPU build
          </button>
        )}
      </div>
      <button
        type="button"
        disabled={!allowed || start.isPending}
        title={allowed ? undefined : (s.actions[last.action].reason ?? undefined)}
        onClick={() => start.mutate(last.action === 'verify' ? { action: 'verify' } : { action: last.action, ...options.body() })}
      >
        Retry
      </button>
    </div>
  );
}
