import { Link } from 'react-router';
import { LOW_DISK_BYTES, type SystemStatus } from '@shared/schemas/system.js';
import { ProgressBar } from '@/ui';
import { formatBytes } from '@/lib/format';

const MLFLOW_LABEL: Record<SystemStatus['mlflow']['status'], [string, string]> = {
  ok: ['running', 'ok'],
  idle: ['starts on first use', 'info'],
  starting: ['starting', 'warn'],
  down: ['not answering', 'error'],
  off: ['off', ''],
  remote: ['remote server', 'info'],
};

function Disk({ disk }: { disk: SystemStatus['disk'] }) {
  const low = disk.free_bytes !== null && disk.free_bytes < LOW_DISK_BYTES;
  const usedFrac = disk.free_bytes !== null && disk.total_bytes ? 1 - disk.free_bytes / disk.total_bytes : null;
  return (
    <article className="card" aria-labelledby="ov-disk" data-testid="disk-card">
      <h3 id="ov-disk">
        Disk <span className={`badge ${low ? 'warn' : 'ok'}`}>{low ? 'low' : 'ok'}</span>
      </h3>
      <p>
        <strong>{formatBytes(disk.free_bytes)}</strong> free of {formatBytes(disk.total_bytes)}
      </p>
      <ProgressBar value={usedFrac} label="Disk space used in the data dir" />
      <p className="muted mono ov-path" title="The data dir: datasets, jobs, checkpoints, models and MLflow runs">
        {disk.path}
      </p>
      {low && (
        <div className="notice warn" role="status">
          Less than 10 GB left. Checkpoints and downloaded models need room: delete fine-tuned models you no longer need (Models) or old files (Files).
        </div>
      )}
    </article>
  );
}

function Mlflow({ mlflow }: { mlflow: SystemStatus['mlflow'] }) {
  const [label, tone] = MLFLOW_LABEL[mlflow.status];
  return (
    <article className="card" aria-labelledby="ov-mlflow" data-testid="mlflow-card">
      <h3 id="ov-mlflow">
        MLflow <span className={`badge ${tone}`}>{label}</span>
      </h3>
      <p className="muted">Every job and benchmark is tracked as MLflow runs.</p>
      {mlflow.message && <p className={mlflow.status === 'down' ? 'ov-bad' : undefined}>{mlflow.message}</p>}
      <div className="row">
        {mlflow.status === 'remote' && mlflow.ui_url ? (
          <a className="button" href={mlflow.ui_url} target="_blank" rel="noreferrer">
            Open MLflow (new window)
          </a>
        ) : mlflow.status === 'off' ? (
          <Link className="button" to="/settings">
            MLflow settings
          </Link>
        ) : (
          <Link className="button" to="/experiments">
            Open Experiments
          </Link>
        )}
      </div>
    </article>
  );
}

function Python({ python }: { python: SystemStatus['python'] }) {
  const ok = python.status === 'ok';
  return (
    <article className="card" aria-labelledby="ov-python" data-testid="python-card">
      <h3 id="ov-python">
        Python environment <span className={`badge ${ok ? 'ok' : 'error'}`}>{ok ? 'ok' : python.status}</span>
      </h3>
      <p className="muted">Trains and benchmarks the models (the trainer, PyTorch).</p>
      {python.version && (
        <p>
          Python {python.version}
          {python.torch && <> · torch {python.torch}</>}
        </p>
      )}
      <p className="muted mono ov-path">{python.executable}</p>
      {!ok && (
        <div className="notice error" role="alert">
          <div>{withCommand(python.message ?? 'The Python environment does not work.', 'npm run setup')}</div>
        </div>
      )}
      {!ok && (
        <div className="row">
          <Link className="button primary" to="/setup">
            {python.status === 'missing' ? 'Set up' : 'Repair'}
          </Link>
        </div>
      )}
    </article>
  );
}

/** The server's message with the command to run shown as code. */
function withCommand(message: string, command: string) {
  const parts = message.split(command);
  return parts.map((p, i) => (
    <span key={i}>
      {p}
      {i < parts.length - 1 && <code>{command}</code>}
    </span>
  ));
}

/** Free disk in the data dir and the health of MLflow and of the Python environment, with what to do when broken. */
export function HealthSection({ status }: { status: SystemStatus | undefined }) {
  return (
    <section aria-labelledby="ov-health" className="ov-section">
      <h2 id="ov-health">Health</h2>
      {!status ? (
        <p className="muted">Checking…</p>
      ) : (
        <div className="ov-grid">
          <Disk disk={status.disk} />
          <Mlflow mlflow={status.mlflow} />
          <Python python={status.python} />
        </div>
      )}
    </section>
  );
}
