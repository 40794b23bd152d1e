/**
 * "Benchmark a model": any base or fine-tuned model, the suites and their size. The server checks
 * every setting (POST /v1/benchmarks answers a 400 naming the field); its message is shown next
 * to that field.
 */
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, errorFor } from '@/api';
import { FieldError } from '@/ui';
import type { Model } from '@shared/schemas/jobs.js';
import { useCreateBenchmark, useModels, useSystemMode } from './queries';
import { buildSuites, defaultsFor, type SuiteForm } from './form-model';

const KIND_GROUP: Array<[Model['kind'], string]> = [
  ['fine-tuned', 'Fine-tuned models (compared with their base)'],
  ['builtin', 'Built-in models'],
  ['local', 'Models in the models folder'],
  ['hub', 'Hugging Face models'],
];

const PLACED = ['model', 'suites.lm_eval.tasks', 'suites.lm_eval.limit', 'suites.needle.context_lengths', 'suites.needle.depths', 'suites.needle.chunk_counts'];

const STATE_TEXT: Partial<Record<NonNullable<Model['status']>, string>> = {
  not_prepared: 'prepared on first use',
  not_downloaded: 'downloaded on first use',
  preparing: 'preparing…',
  downloading: 'downloading…',
  failed: 'preparation failed',
};

function modelLabel(m: Model): string {
  const text = m.status ? STATE_TEXT[m.status] : undefined;
  const state = text ? ` — ${text}` : '';
  return `${m.id}${m.kind === 'fine-tuned' && m.base_model ? ` (base ${m.base_model})` : ''}${state}`;
}

export function BenchmarkForm({ initialModel }: { initialModel: string | null }) {
  const models = useModels();
  const mode = useSystemMode();
  const create = useCreateBenchmark();
  const navigate = useNavigate();
  const id = useId();
  const [model, setModel] = useState(initialModel ?? '');
  const [form, setForm] = useState<SuiteForm | null>(null);
  const [localError, setLocalError] = useState<ApiError | null>(null);

  // Until the user edits them, the settings are this machine's defaults (smaller grids on the CPU).
  const f = form ?? defaultsFor(mode ?? 'cpu');
  const set = (patch: Partial<SuiteForm>) => setForm({ ...f, ...patch });
  const error = localError ?? create.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLocalError(null);
    create.reset();
    if (!model) {
      setLocalError(new ApiError(400, 'Choose the model to benchmark.', 'model'));
      return;
    }
    const built = buildSuites(f);
    if ('message' in built) {
      setLocalError(new ApiError(400, built.message, built.param));
      return;
    }
    create.mutate({ model, suites: built.suites }, { onSuccess: (b) => void navigate(`/benchmarks/${encodeURIComponent(b.id)}`) });
  };

  const invalid = (field: string) => (error instanceof ApiError && error.param && (error.param === field || error.param.startsWith(`${field}.`)) ? true : undefined);
  const fieldIds = (name: string) => ({ id: `${id}-${name}`, 'aria-describedby': `${id}-${name}-hint ${id}-${name}-err` });
  // An error about no field above (the suites as a whole, a setting without its own input, the server) goes by the button.
  const unplaced = error && !(error instanceof ApiError && error.param && PLACED.some((p) => errorFor(error, p))) ? error : null;

  return (
    <form className="card bench-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>Benchmark a model</h2>
      <p className="muted">
        Measures a model on the LM Evaluation Harness and the needle-in-a-haystack test. A fine-tuned model is also measured as its base on the same prompts (cached), so
        you see what fine-tuning changed. It waits in the job queue like a fine-tuning job.
      </p>
      <div className="field">
        <label htmlFor={`${id}-model`}>Model</label>
        <select
          {...fieldIds('model')}
          value={model}
          onChange={(e) => setModel(e.target.value)}
          aria-invalid={invalid('model')}
          disabled={models.isPending}
        >
          <option value="">{models.isPending ? 'Loading models…' : 'Choose a model…'}</option>
          {model && !models.data?.data.some((m) => m.id === model) && <option value={model}>{model}</option>}
          {KIND_GROUP.map(([kind, label]) => {
            const of = models.data?.data.filter((m) => m.kind === kind) ?? [];
            return of.length ? (
              <optgroup key={kind} label={label}>
                {of.map((m) => (
                  <option key={m.id} value={m.id}>
                    {modelLabel(m)}
                  </option>
                ))}
              </optgroup>
            ) : null;
          })}
        </select>
        <span className="hint" id={`${id}-model-hint`}>
          {models.error ? `Models could not be listed: ${(models.error as Error).message}` : 'Base models are measured alone; fine-tuned ones next to their base.'}
        </span>
        <FieldError error={error} field="model" id={`${id}-model-err`} />
      </div>

      <fieldset className="suite">
        <legend>
          <label>
            <input type="checkbox" checked={f.lmEval} onChange={(e) => set({ lmEval: e.target.checked })} /> LM Evaluation Harness
          </label>
        </legend>
        <div className="suite-fields" hidden={!f.lmEval}>
          <div className="field">
            <label htmlFor={`${id}-tasks`}>Tasks</label>
            <input {...fieldIds('tasks')} value={f.tasks} onChange={(e) => set({ tasks: e.target.value })} placeholder="default" aria-invalid={invalid('suites.lm_eval.tasks')} />
            <span className="hint" id={`${id}-tasks-hint`}>
              Comma-separated harness task names, or “default”: MMLU, HellaSwag, ARC and GPQA on a GPU with the hub reachable; else Hone’s own offline tasks.
            </span>
            <FieldError error={error} field="suites.lm_eval.tasks" id={`${id}-tasks-err`} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-limit`}>Documents per task</label>
            <input {...fieldIds('limit')} inputMode="numeric" value={f.limit} onChange={(e) => set({ limit: e.target.value })} placeholder="all" aria-invalid={invalid('suites.lm_eval.limit')} />
            <span className="hint" id={`${id}-limit-hint`}>
              Fewer is faster and noisier; empty = every document.
            </span>
            <FieldError error={error} field="suites.lm_eval.limit" id={`${id}-limit-err`} />
          </div>
        </div>
      </fieldset>

      <fieldset className="suite">
        <legend>
          <label>
            <input type="checkbox" checked={f.needle} onChange={(e) => set({ needle: e.target.checked })} /> Needle in a haystack
          </label>
        </legend>
        <div className="suite-fields" hidden={!f.needle}>
          <div className="field">
            <label htmlFor={`${id}-lengths`}>Context lengths</label>
            <input {...fieldIds('lengths')} value={f.contextLengths} onChange={(e) => set({ contextLengths: e.target.value })} aria-invalid={invalid('suites.needle.context_lengths')} />
            <span className="hint" id={`${id}-lengths-hint`}>
              Prompt tokens, comma-separated (cells longer than the model allows are skipped).
            </span>
            <FieldError error={error} field="suites.needle.context_lengths" id={`${id}-lengths-err`} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-depths`}>Needle depths</label>
            <input {...fieldIds('depths')} value={f.depths} onChange={(e) => set({ depths: e.target.value })} aria-invalid={invalid('suites.needle.depths')} />
            <span className="hint" id={`${id}-depths-hint`}>
              Where the fact sits, 0 (start) to 1 (end), comma-separated.
            </span>
            <FieldError error={error} field="suites.needle.depths" id={`${id}-depths-err`} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-chunks`}>Numbers of chunks</label>
            <input {...fieldIds('chunks')} value={f.chunkCounts} onChange={(e) => set({ chunkCounts: e.target.value })} aria-invalid={invalid('suites.needle.chunk_counts')} />
            <span className="hint" id={`${id}-chunks-hint`}>
              Retrieved passages in the RAG test (one holds the fact, others near-miss distractors).
            </span>
            <FieldError error={error} field="suites.needle.chunk_counts" id={`${id}-chunks-err`} />
          </div>
        </div>
      </fieldset>
      {unplaced && (
        <div className="field-error" role="alert" data-testid="bench-form-error">
          {unplaced instanceof Error ? unplaced.message : String(unplaced)}
        </div>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Starting…' : 'Start benchmark'}
        </button>
        <span className="muted small">{mode === 'cpu' ? 'CPU mode: the defaults take a few minutes on a small model.' : mode === 'gpu' ? 'On a GPU the full default grid runs.' : ''}</span>
      </div>
    </form>
  );
}
