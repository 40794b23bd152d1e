/** What the job trains with: `auto` values as the trainer resolved them, and the OpenAI-shaped set. */
import type { FineTuningJob } from '@shared/schemas/jobs.js';

const show = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : typeof v === 'string' ? v : JSON.stringify(v));

export function HyperparametersPanel({ job }: { job: FineTuningJob }) {
  const resolved = job.hone.hyperparameters;
  const openai = job.hyperparameters as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(openai), ...Object.keys(resolved)])];
  return (
    <section className="card" aria-labelledby="job-hp-title">
      <h2 id="job-hp-title">Hyperparameters</h2>
      <p className="muted small-text">
        Method: {job.method.type}. Values shown as the trainer resolved them{Object.values(openai).includes('auto') ? '; "auto" ones are filled in once training starts' : ''}.
      </p>
      <dl className="kv" data-testid="job-hyperparameters">
        {keys.map((k) => (
          <div key={k}>
            <dt>{k.replace(/_/g, ' ')}</dt>
            <dd className="mono">{show(resolved[k] ?? openai[k])}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
