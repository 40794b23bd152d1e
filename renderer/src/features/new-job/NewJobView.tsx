/**
 * `/jobs/new` (`?model=…&training_file=…` prefill): a fine-tuning job without writing code. The
 * form is checked here with the server's own schema, estimated by the server's dry run of the
 * exact body, shown as code, and submitted; every server error lands next to its field.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Model } from '@shared/schemas/jobs.js';
import { api, ApiError, keys } from '@/api';
import { PageHeader } from '@/ui';
import { checkForm, chosenModel, fieldOf, hasErrors, toBody, type FieldKey, type FormState } from './form';
import { formOf, useNewJobForm } from './form-store';
import { useCreateJob, useEstimate, useGpus, useModelLookup, useModels } from './queries';
import { ModelPicker } from './ModelPicker';
import { DatasetPicker, useChosenFileProblem } from './DatasetPicker';
import { TrainingFields } from './TrainingFields';
import { RunFields } from './RunFields';
import { EstimatePanel } from './EstimatePanel';
import { CopyAsCode } from './CopyAsCode';
import { ids, type Errors } from './Field';
import './new-job.css';

/** Errors a new, untouched form has; shown only once the user tries to submit. */
const REQUIRED: ReadonlySet<FieldKey> = new Set(['model', 'training_file']);

const serverField = (e: unknown): [FieldKey | null, string] | null => (e instanceof ApiError ? [fieldOf(e.param), e.message] : null);

export function NewJobView() {
  const store = useNewJobForm();
  const form = formOf(store);
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [attempted, setAttempted] = useState(false);
  const [checking, setChecking] = useState(false);
  const models = useModels();
  const gpus = useGpus();
  const create = useCreateJob();
  const formRef = useRef<HTMLFormElement>(null);

  // ?model=…&training_file=… (from Files, Models, a validation report) fill the form once.
  const preModel = params.get('model');
  const preFile = params.get('training_file');
  useEffect(() => {
    if (preModel === null && preFile === null) return;
    const inList = models.data?.data.some((m) => m.id === preModel);
    if (preModel !== null && !models.data) return; // wait to know whether it is a listed model
    const p: Partial<FormState> = {};
    if (preModel) Object.assign(p, inList ? { model: preModel, modelSource: 'list' } : { hubId: preModel, modelSource: 'hub' });
    if (preFile) p.trainingFile = preFile;
    useNewJobForm.getState().set(p);
    setParams({}, { replace: true });
  }, [preModel, preFile, models.data, setParams]);

  const body = toBody(form);
  const bodyJson = JSON.stringify(body);
  const client = checkForm(form);
  const cpuOnly = gpus.data?.mode === 'cpu' || form.gpus.trim() === '0';
  const trainingProblem = useChosenFileProblem(form.trainingFile, form.method);
  const validationProblem = useChosenFileProblem(form.validationFile, form.method);
  const lookup = useModelLookup(form.modelSource === 'hub' ? form.hubId : '');

  // A QLoRA choice that the device cannot run falls back to LoRA rather than failing later.
  useEffect(() => {
    if (cpuOnly && useNewJobForm.getState().adapter === 'qlora') useNewJobForm.getState().set({ adapter: 'lora' });
  }, [cpuOnly, form.adapter]);

  const ready = !hasErrors(client) && !trainingProblem && !validationProblem;
  const estimate = useEstimate(ready ? body : null);
  const estimateStale = estimate.isPlaceholderData || (estimate.data !== undefined && estimate.isFetching);

  // A submit error is about the request that was sent; editing the form retires it.
  const { reset: resetCreate } = create;
  useEffect(() => resetCreate(), [bodyJson, resetCreate]);

  const errors: Errors = {};
  for (const [k, msg] of Object.entries(client.fields) as Array<[FieldKey, string]>) if (attempted || !REQUIRED.has(k)) errors[k] = msg;
  if (trainingProblem) errors.training_file = trainingProblem;
  if (validationProblem) errors.validation_file = validationProblem;
  if (form.modelSource === 'hub' && lookup.isError) errors.model = lookup.error.message;
  const formLevel: string[] = attempted ? [...client.form] : [];
  for (const e of [estimate.error, create.error]) {
    const s = serverField(e);
    if (!s) continue;
    if (s[0]) errors[s[0]] = s[1];
    else if (e === create.error) formLevel.push(s[1]);
  }
  if (create.error && !(create.error instanceof ApiError)) formLevel.push(String(create.error));

  // After a failed attempt the first problem gets the focus (keyboard users land on it).
  const focusFirstError = () =>
    requestAnimationFrame(() => {
      const root = formRef.current;
      const first = root?.querySelector<HTMLElement>('.field-error[data-field], .nj-form-errors');
      const field = first?.dataset.field;
      let target: HTMLElement | null | undefined = field ? document.getElementById(ids(field).input) : first;
      if (field === 'model' && useNewJobForm.getState().modelSource === 'list') target = root?.querySelector<HTMLElement>('input[name="nj-model"]:checked, input[name="nj-model"]:not(:disabled)');
      if (target?.getAttribute('role') === 'radiogroup') target = target.querySelector<HTMLElement>('input:checked, input:not(:disabled)') ?? target;
      target?.focus();
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (hasErrors(client) || trainingProblem || validationProblem) return focusFirstError();
    // A typed hub id is checked on the server first; its answer (e.g. the hub cannot be reached) shows at the field.
    if (form.modelSource === 'hub') {
      const id = chosenModel(form);
      setChecking(true);
      try {
        await qc.fetchQuery({ queryKey: keys.models.detail(id), queryFn: ({ signal }) => api.get(`/v1/models/${encodeURIComponent(id)}`, Model, { signal }), staleTime: 60_000 });
      } catch {
        setChecking(false);
        return focusFirstError();
      }
      setChecking(false);
    }
    create.mutate(body, {
      onSuccess: (job) => {
        store.reset();
        void navigate(`/jobs/${encodeURIComponent(job.id)}`);
      },
      onError: () => focusFirstError(),
    });
  };

  return (
    <div className="page new-job">
      <PageHeader
        title="New fine-tuning job"
        subtitle="Pick a base model and a dataset, adjust the training if you like, and check the estimate before you start. Every field has a sensible default."
        actions={
          <>
            <Link className="button" to="/jobs">
              ← All jobs
            </Link>
            <button
              type="button"
              onClick={() => {
                store.reset();
                setAttempted(false);
                create.reset();
              }}
            >
              Reset
            </button>
          </>
        }
      />
      <form ref={formRef} className="nj-layout" onSubmit={(e) => void submit(e)} noValidate aria-label="New fine-tuning job">
        <div className="nj-main">
          <ModelPicker errors={errors} />
          <fieldset className="card nj-section">
            <legend>
              <h2>2. Data</h2>
            </legend>
            <DatasetPicker which="training_file" value={form.trainingFile} onChange={(id) => store.set({ trainingFile: id })} method={form.method} errors={errors} />
            <DatasetPicker which="validation_file" value={form.validationFile} onChange={(id) => store.set({ validationFile: id })} method={form.method} errors={errors} trainingId={form.trainingFile} />
          </fieldset>
          <TrainingFields errors={errors} estimate={estimate.data} cpuOnly={cpuOnly} />
          <RunFields errors={errors} gpus={gpus} />
          {formLevel.length > 0 && (
            <div className="notice error nj-form-errors" role="alert" tabIndex={-1} data-testid="form-errors">
              <ul>
                {formLevel.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="row nj-submit">
            <button type="submit" className="primary" disabled={create.isPending || checking}>
              {create.isPending ? 'Creating…' : checking ? 'Checking the model…' : 'Create fine-tuning job'}
            </button>
            {attempted && hasErrors(client) && <span className="status-error">Fix the marked fields first.</span>}
            {!attempted && <span className="muted small-text">The job validates its files, waits for a free device, then trains. You can follow it live.</span>}
          </div>
          <CopyAsCode body={body} />
        </div>
        <aside className="nj-side" aria-label="Estimate">
          <EstimatePanel ready={ready} estimate={estimate.data} error={ready ? estimate.error : null} fetching={estimate.isFetching} stale={estimateStale} />
        </aside>
      </form>
    </div>
  );
}
