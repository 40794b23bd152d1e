/** The server's dry run of this exact request: what the job would do, and whether it fits. */
import { Link } from 'react-router';
import type { JobEstimate } from '@shared/schemas/estimate.js';
import { ApiError } from '@/api';
import { Spinner } from '@/ui';
import { formatDuration, formatInt } from '@/lib/format';
import { showValue } from './TrainingFields';
import { fieldOf } from './form';

/** Order and words for the resolved hyperparameters table. */
const HP_LABELS: Array<[string, string]> = [
  ['n_epochs', 'Epochs'],
  ['batch_size', 'Batch size'],
  ['learning_rate_multiplier', 'Learning rate multiplier'],
  ['learning_rate', 'Learning rate'],
  ['beta', 'Beta (DPO)'],
  ['max_seq_length', 'Max sequence length'],
  ['warmup_ratio', 'Warm-up ratio'],
  ['gradient_accumulation_steps', 'Gradient accumulation'],
  ['lora_r', 'LoRA rank'],
  ['lora_alpha', 'LoRA alpha'],
  ['lora_dropout', 'LoRA dropout'],
  ['full_finetune', 'Full fine-tune'],
  ['qlora', 'QLoRA'],
  ['lora_target_modules', 'LoRA target modules'],
  ['seed', 'Seed'],
];

export function timeBasis(t: JobEstimate['time']): string {
  if (t.basis === 'measured' && t.tokens_per_second) {
    return `from ${formatInt(Math.round(t.tokens_per_second))} tokens/s measured${t.measured_job_id ? ` on job ${t.measured_job_id}` : ''} (this model, this machine)`;
  }
  return 'No measurement on this machine yet: the first job of this model sets one.';
}

function Facts({ e }: { e: JobEstimate }) {
  const hp = e.hyperparameters;
  const rows = HP_LABELS.filter(([k]) => hp[k] !== undefined && hp[k] !== null);
  const extra = Object.keys(hp).filter((k) => !HP_LABELS.some(([l]) => l === k) && typeof hp[k] !== 'object');
  return (
    <>
      <dl className="nj-facts">
        <dt>Examples</dt>
        <dd data-testid="estimate-examples">
          {formatInt(e.n_examples)}
          {e.n_validation_examples !== null && <span className="muted"> + {formatInt(e.n_validation_examples)} for validation</span>}
        </dd>
        <dt>Training steps</dt>
        <dd data-testid="estimate-steps">{formatInt(e.total_steps)}</dd>
        <dt>Trained tokens</dt>
        <dd data-testid="estimate-tokens">{formatInt(e.trained_tokens)}</dd>
        <dt>Cut at max length</dt>
        <dd data-testid="estimate-truncated">{e.truncated_examples === 0 ? 'none' : `${formatInt(e.truncated_examples)} examples`}</dd>
        <dt>Runs on</dt>
        <dd>
          {e.device.kind === 'cpu' ? 'the CPU' : `${e.device.gpus_requested} GPU${e.device.gpus_requested === 1 ? '' : 's'}`}
          {e.device.kind === 'gpu' && <span className="muted"> ({e.device.gpus_free.length ? `free now: ${e.device.gpus_free.join(', ')}` : 'none free now: it will queue'})</span>}
        </dd>
        <dt>Memory</dt>
        <dd data-testid="estimate-fits">
          <span className={`badge ${e.memory.fits ? 'ok' : 'error'}`}>{e.memory.fits ? 'fits' : 'does not fit'}</span>{' '}
          {e.memory.required_mib !== null && (
            <span className="muted">
              ~{formatInt(Math.round(e.memory.required_mib))} MiB{e.memory.available_mib !== null && ` of ${formatInt(Math.round(e.memory.available_mib))} MiB`}
            </span>
          )}
          {e.memory.reason && <div className={e.memory.fits ? 'muted small-text' : 'status-error small-text'}>{e.memory.reason}</div>}
        </dd>
        <dt>Time</dt>
        <dd data-testid="estimate-time">
          {e.time.seconds !== null ? <strong>about {formatDuration(e.time.seconds)}</strong> : <span>unknown</span>}
          <div className="muted small-text" data-testid="estimate-basis">
            {timeBasis(e.time)}
            {e.time.basis === 'measured' && e.time.measured_job_id && (
              <>
                {' '}
                <Link to={`/jobs/${encodeURIComponent(e.time.measured_job_id)}`}>Open that job</Link>
              </>
            )}
          </div>
        </dd>
      </dl>
      <h3>Resolved hyperparameters</h3>
      <table className="table compact" data-testid="estimate-hyperparameters">
        <tbody>
          {[...rows, ...extra.map((k) => [k, k] as [string, string])].map(([k, label]) => (
            <tr key={k} data-key={k}>
              <th scope="row">{label}</th>
              <td className="mono">{showValue(hp[k])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {e.warnings.length > 0 && (
        <div className="notice warn" data-testid="estimate-warnings">
          <ul>
            {e.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

export function EstimatePanel({ ready, estimate, error, fetching, stale }: { ready: boolean; estimate: JobEstimate | undefined; error: unknown; fetching: boolean; stale: boolean }) {
  const fieldError = error instanceof ApiError && fieldOf(error.param) !== null;
  return (
    <section className="card nj-estimate" aria-labelledby="nj-est-h" data-testid="estimate" aria-busy={fetching}>
      <div className="row">
        <h2 id="nj-est-h">Estimate</h2>
        {fetching && <Spinner label="Estimating" />}
        {stale && !fetching && <span className="muted small-text">updating…</span>}
      </div>
      <p className="muted small-text">The server's dry run of exactly this request: the same numbers the job will use. Nothing is created.</p>
      {!ready && <p data-testid="estimate-empty">Choose a base model and a valid training file to see the steps, tokens, memory and time this job would take.</p>}
      {ready && error !== null && error !== undefined && (
        <div className="notice error" role="status" data-testid="estimate-error">
          <div>
            <strong>No estimate: </strong>
            {error instanceof Error ? error.message : String(error)}
            {fieldError && <div className="small-text">The field it is about is marked on the left.</div>}
            {error instanceof ApiError && error.status === 404 && !error.param && <div className="small-text">This server cannot estimate jobs yet; you can still create the job.</div>}
          </div>
        </div>
      )}
      {ready && estimate && <div className={stale ? 'nj-stale' : undefined}>{<Facts e={estimate} />}</div>}
    </section>
  );
}
