/** Step 4: where and how it runs (GPUs, priority) and what comes out (suffix, seed, benchmarks). */
import { Link } from 'react-router';
import type { GpuInventory } from '@shared/schemas/jobs.js';
import { ErrorNotice, Spinner } from '@/ui';
import { Field, described, FieldMessage, ids, type Errors } from './Field';
import { chosenModel } from './form';
import { formOf, useNewJobForm } from './form-store';
import { useSettings } from './queries';

const jobLink = (id: string) => (
  <Link to={`/jobs/${encodeURIComponent(id)}`} className="mono">
    {id}
  </Link>
);

function Gpus({ inv, errors }: { inv: GpuInventory; errors: Errors }) {
  const f = useNewJobForm();
  if (inv.mode === 'cpu') {
    const holder = inv.cpu_slot?.job_id ?? null;
    return (
      <div className="field" data-testid="gpu-info">
        <span className="label-like">Device</span>
        <div className="notice">
          <div>
            <strong>CPU mode: one job at a time.</strong> This machine has no NVIDIA GPU, so jobs train on the CPU, one after the other.{' '}
            {holder ? <>The CPU is busy with {jobLink(holder)}; this job waits in the queue until it ends.</> : 'The CPU is free now.'}
            {inv.queue.length > 0 && ` ${inv.queue.length} job${inv.queue.length === 1 ? '' : 's'} queued.`}
          </div>
        </div>
        <FieldMessage field="hone.gpus" errors={errors} />
      </div>
    );
  }
  const free = inv.data.filter((g) => !g.job_id).length;
  return (
    <div className="field" data-testid="gpu-info">
      <label htmlFor={ids('hone.gpus').input}>GPUs for this job</label>
      <div className="row">
        <input {...described('hone.gpus', errors)} type="text" inputMode="numeric" className="num-input" placeholder="1" value={f.gpus} onChange={(e) => f.set({ gpus: e.target.value })} />
        <span className="muted">
          {free} of {inv.data.length} free now
        </span>
      </div>
      <div className="hint" id={ids('hone.gpus').hint}>
        Empty: 1 GPU. 0 trains on the CPU. A job that asks for more GPUs than are free waits in the queue.
      </div>
      <ul className="gpu-list">
        {inv.data.map((g) => (
          <li key={g.index}>
            <span className={`dot${g.job_id ? ' warn' : ''}`} aria-hidden="true" />
            GPU {g.index} · {g.name} · {Math.round(g.memory_total_mib / 1024)} GiB{g.memory_used_mib !== null && ` (${Math.round(g.memory_used_mib / 1024)} GiB used)`} —{' '}
            {g.job_id ? <>busy: {jobLink(g.job_id)}</> : 'free now'}
          </li>
        ))}
      </ul>
      <FieldMessage field="hone.gpus" errors={errors} />
    </div>
  );
}

export function RunFields({ errors, gpus }: { errors: Errors; gpus: { data?: GpuInventory; error: unknown } }) {
  const f = useNewJobForm();
  const settings = useSettings();
  const byDefault = settings.data?.benchmarks_by_default.value;
  const benchOn = f.benchmarks ?? byDefault ?? false;
  const model = chosenModel(formOf(f)) || '<model>';
  return (
    <fieldset className="card nj-section">
      <legend>
        <h2>4. Running and results</h2>
      </legend>
      {gpus.data ? (
        <Gpus inv={gpus.data} errors={errors} />
      ) : gpus.error ? (
        <ErrorNotice error={gpus.error} title="Cannot list the GPUs" />
      ) : (
        <Spinner label="Checking this machine's GPUs" />
      )}
      <div className="nj-grid">
        <Field field="hone.priority" label="Priority" errors={errors} hint="−100 to 100. Among queued jobs, higher starts first; equal ones first come, first served. Empty: 0.">
          <input {...described('hone.priority', errors)} type="text" inputMode="numeric" className="num-input" placeholder="0" value={f.priority} onChange={(e) => f.set({ priority: e.target.value })} />
        </Field>
        <Field field="suffix" label="Suffix" errors={errors} hint={<>Part of the fine-tuned model's name: ft:{model}:hone:<strong>{f.suffix.trim() || 'suffix'}</strong>:ftjob-…</>}>
          <input {...described('suffix', errors)} type="text" maxLength={80} autoComplete="off" spellCheck={false} value={f.suffix} onChange={(e) => f.set({ suffix: e.target.value })} />
        </Field>
        <Field field="seed" label="Seed" errors={errors} hint="The same seed, data and settings train the same model. Empty: a random seed (the job shows it).">
          <input {...described('seed', errors)} type="text" inputMode="numeric" className="num-input" placeholder="random" value={f.seed} onChange={(e) => f.set({ seed: e.target.value })} />
        </Field>
      </div>
      <div className="field" role="group" aria-labelledby="nj-bench-h" aria-describedby={errors['hone.benchmarks'] ? ids('hone.benchmarks').error : undefined}>
        <h3 id="nj-bench-h">Benchmarks</h3>
        <label className="inline-check">
          <input type="checkbox" id={ids('hone.benchmarks').input} checked={benchOn} onChange={(e) => f.set({ benchmarks: e.target.checked })} />
          Benchmark the fine-tuned model against its base after training
        </label>
        <div className="hint">
          {f.benchmarks === null && byDefault !== undefined ? `As set in Settings (${byDefault ? 'on' : 'off'} by default). ` : ''}
          Results appear on the job's page and in Benchmarks.
        </div>
        {benchOn && (
          <div className="suites">
            <label className="inline-check">
              <input type="checkbox" checked={f.suites.lm_eval} onChange={(e) => f.set({ benchmarks: true, suites: { ...f.suites, lm_eval: e.target.checked } })} />
              LM Evaluation Harness (lm_eval): standard tasks, base vs fine-tuned
            </label>
            <label className="inline-check">
              <input type="checkbox" checked={f.suites.needle} onChange={(e) => f.set({ benchmarks: true, suites: { ...f.suites, needle: e.target.checked } })} />
              Needle in a haystack (needle): finds a fact hidden in long contexts
            </label>
          </div>
        )}
        <FieldMessage field="hone.benchmarks" errors={errors} />
      </div>
    </fieldset>
  );
}
