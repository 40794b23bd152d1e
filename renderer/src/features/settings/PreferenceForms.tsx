/**
 * The editable settings, one form and one save per section. A value set by an environment variable
 * is read-only and says which variable; the server's error appears next to the field it names.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Settings, SettingsPatch, SettingSource } from '@shared/schemas/settings.js';
import { errorFor } from '@/api';
import { ErrorNotice, FieldError } from '@/ui';
import { mlflowStatus, overrideNote, sourceLabel } from './settings-text';
import { useSaveSettings } from './use-settings';

/** The envelope's message goes next to its field; anything else (network, no param) above the buttons. */
function OtherError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error || fields.some((f) => errorFor(error, f))) return null;
  return <ErrorNotice error={error} />;
}

function Field(props: { id: string; field: string; label: string; hint?: ReactNode; source: SettingSource; envVar: string | null; error: unknown; children: (p: { readOnly: boolean; describedBy: string; invalid: boolean }) => ReactNode }) {
  const note = overrideNote(props.source, props.envVar);
  const invalid = errorFor(props.error, props.field) !== null;
  return (
    <div className="field">
      <label htmlFor={props.id}>
        {props.label} <span className="muted source">({sourceLabel(props.source)})</span>
      </label>
      {props.children({ readOnly: note !== null, describedBy: `${props.id}-hint ${props.id}-error`, invalid })}
      <span className="hint" id={`${props.id}-hint`}>
        {note ?? props.hint}
      </span>
      <FieldError error={props.error} field={props.field} id={`${props.id}-error`} />
    </div>
  );
}

function Section({ id, title, intro, onSubmit, children, saving, canSave, error, fields }: { id: string; title: string; intro: ReactNode; onSubmit: (e: FormEvent) => void; children: ReactNode; saving: boolean; canSave: boolean; error: unknown; fields: string[] }) {
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(e);
        }}
      >
        <h2 id={`${id}-h`}>{title}</h2>
        <p className="muted">{intro}</p>
        {children}
        <OtherError error={error} fields={fields} />
        <div className="row">
          <button type="submit" className="primary" disabled={saving || !canSave}>
            {saving ? 'Saving…' : `Save ${title}`}
          </button>
        </div>
      </form>
    </section>
  );
}

export function MlflowForm({ s }: { s: Settings }) {
  const [uri, setUri] = useState(s.mlflow_uri.value);
  const save = useSaveSettings('MLflow');
  const env = s.mlflow_uri.source === 'env';
  return (
    <Section id="mlflow" title="MLflow" intro="Where training and benchmark runs are tracked." onSubmit={() => save.mutate({ mlflow_uri: uri.trim() === '' ? null : uri.trim() })} saving={save.isPending} canSave={!env} error={save.error} fields={['mlflow_uri']}>
      <Field id="mlflow-uri" field="mlflow_uri" label="Tracking URI" hint="local (Hone starts its own server), off, or an http(s) URL of your MLflow server." source={s.mlflow_uri.source} envVar={s.mlflow_uri.env_var} error={save.error}>
        {(p) => <input id="mlflow-uri" value={uri} onChange={(e) => setUri(e.target.value)} readOnly={p.readOnly} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy} placeholder="local" spellCheck={false} />}
      </Field>
      <p data-testid="mlflow-status">{mlflowStatus(s)}</p>
    </Section>
  );
}

export function HfTokenForm({ s }: { s: Settings }) {
  const [token, setToken] = useState('');
  const save = useSaveSettings('Hugging Face token');
  const env = s.hf_token.source === 'env';
  const submit = (patch: SettingsPatch) => save.mutate(patch, { onSuccess: () => setToken('') });
  return (
    <Section id="hf" title="Hugging Face" intro="A token lets Hone download gated or private models from the Hugging Face Hub." onSubmit={() => submit({ hf_token: token })} saving={save.isPending} canSave={!env && token !== ''} error={save.error} fields={['hf_token']}>
      <p>
        Token: <strong data-testid="hf-state">{s.hf_token.set ? 'set' : 'not set'}</strong>
      </p>
      <Field id="hf-token" field="hf_token" label="New token" hint="Write-only: Hone never shows a saved token again." source={s.hf_token.source} envVar={env ? 'HF_TOKEN' : null} error={save.error}>
        {(p) => <input id="hf-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} readOnly={p.readOnly} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy} placeholder="hf_…" />}
      </Field>
      {s.hf_token.set && !env && (
        <button type="button" className="danger" onClick={() => submit({ hf_token: null })} disabled={save.isPending}>
          Clear token
        </button>
      )}
    </Section>
  );
}

export function JudgeForm({ s }: { s: Settings }) {
  const j = s.judge;
  const [baseUrl, setBaseUrl] = useState(j.base_url.value ?? '');
  const [model, setModel] = useState(j.model.value ?? '');
  const [key, setKey] = useState('');
  const save = useSaveSettings('Judge');
  const keyEnv = j.api_key_source === 'env';
  const patch = (): SettingsPatch => {
    const p: SettingsPatch = {};
    if (j.base_url.source !== 'env') p.judge_base_url = baseUrl.trim() || null;
    if (j.model.source !== 'env') p.judge_model = model.trim() || null;
    if (!keyEnv && key) p.judge_api_key = key;
    return p;
  };
  const all = j.base_url.source === 'env' && j.model.source === 'env' && keyEnv;
  return (
    <Section
      id="judge"
      title="Judge"
      intro="An OpenAI-compatible endpoint whose model scores benchmark answers (DeepEval GEval). Without one, answers are scored deterministically."
      onSubmit={() => save.mutate(patch(), { onSuccess: () => setKey('') })}
      saving={save.isPending}
      canSave={!all}
      error={save.error}
      fields={['judge_base_url', 'judge_model', 'judge_api_key']}
    >
      <Field id="judge-url" field="judge_base_url" label="Base URL" hint="e.g. http://127.0.0.1:8000/v1" source={j.base_url.source} envVar={j.base_url.env_var} error={save.error}>
        {(p) => <input id="judge-url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} readOnly={p.readOnly} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy} spellCheck={false} />}
      </Field>
      <Field id="judge-model" field="judge_model" label="Model" hint="The judge model's name at that endpoint." source={j.model.source} envVar={j.model.env_var} error={save.error}>
        {(p) => <input id="judge-model" value={model} onChange={(e) => setModel(e.target.value)} readOnly={p.readOnly} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy} spellCheck={false} />}
      </Field>
      <Field id="judge-key" field="judge_api_key" label={`API key (${j.api_key_set ? 'set' : 'not set'})`} hint="Write-only; leave empty to keep the current one." source={j.api_key_source} envVar={keyEnv ? 'HONE_JUDGE_API_KEY' : null} error={save.error}>
        {(p) => <input id="judge-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} readOnly={p.readOnly} aria-invalid={p.invalid || undefined} aria-describedby={p.describedBy} />}
      </Field>
      {j.api_key_set && !keyEnv && (
        <button type="button" className="danger" onClick={() => save.mutate({ judge_api_key: null })} disabled={save.isPending}>
          Clear judge API key
        </button>
      )}
    </Section>
  );
}

export function BenchmarksForm({ s }: { s: Settings }) {
  const b = s.benchmarks_by_default;
  const [on, setOn] = useState(b.value);
  const save = useSaveSettings('Benchmarks');
  const note = overrideNote(b.source, b.env_var);
  return (
    <Section id="bench" title="Benchmarks" intro="Whether a new fine-tuning job benchmarks its model against the base model when it succeeds (a job can still choose)." onSubmit={() => save.mutate({ benchmarks_by_default: on })} saving={save.isPending} canSave={note === null} error={save.error} fields={['benchmarks_by_default']}>
      <div className="field">
        <label className="switch">
          <input type="checkbox" role="switch" checked={on} onChange={(e) => setOn(e.target.checked)} disabled={note !== null} aria-describedby="bench-hint bench-error" />
          Benchmark new jobs by default <span className="muted source">({sourceLabel(b.source)})</span>
        </label>
        <span className="hint" id="bench-hint">
          {note ?? (on ? 'On: jobs run the benchmarks after training.' : 'Off: jobs skip the benchmarks unless they ask for them.')}
        </span>
        <FieldError error={save.error} field="benchmarks_by_default" id="bench-error" />
      </div>
    </Section>
  );
}
