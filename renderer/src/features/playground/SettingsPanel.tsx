/** The playground's left column: which models answer, the system prompt and the sampling settings. */
import { useState } from 'react';
import type { Model } from '@shared/schemas/jobs.js';
import { Spinner } from '@/ui';
import { MAX_MODELS, usePlayground } from './playground-store';
import { fieldError, type SamplingText } from './conversation';

const KIND_LABEL: Record<Model['kind'], string> = { 'fine-tuned': 'Fine-tuned', builtin: 'Built-in', local: 'Local', hub: 'Hugging Face' };
const KIND_ORDER: Model['kind'][] = ['fine-tuned', 'builtin', 'local', 'hub'];

export function ModelChooser({ catalogue, loading }: { catalogue: Model[] | undefined; loading: boolean }) {
  const selected = usePlayground((s) => s.models);
  const toggle = usePlayground((s) => s.toggleModel);
  const error = usePlayground((s) => s.requestError);
  const [q, setQ] = useState('');
  const msg = fieldError(error, 'model', 'models');
  const shown = (catalogue ?? []).filter((m) => !q.trim() || m.id.toLowerCase().includes(q.trim().toLowerCase()) || (m.base_model ?? '').toLowerCase().includes(q.trim().toLowerCase()));
  const full = selected.length >= MAX_MODELS;
  return (
    <fieldset className="pg-models" aria-describedby={msg ? 'pg-models-error' : 'pg-models-hint'}>
      <legend>
        <h2>Models</h2>
      </legend>
      <p className="muted small-text" id="pg-models-hint">
        Each model answers in its own column. Pick a fine-tuned model and its base to compare them.
      </p>
      <input type="search" aria-label="Filter models" placeholder="Filter models" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} />
      {loading && <Spinner label="Loading models" />}
      <div className="pg-model-list">
        {KIND_ORDER.map((kind) => {
          const group = shown.filter((m) => m.kind === kind);
          if (!group.length) return null;
          return (
            <div key={kind} role="group" aria-label={`${KIND_LABEL[kind]} models`}>
              <div className="pg-kind muted">{KIND_LABEL[kind]}</div>
              {group.map((m) => {
                const on = selected.includes(m.id);
                return (
                  <label key={m.id} className={`pg-model${on ? ' on' : ''}`}>
                    <input type="checkbox" checked={on} disabled={!on && full} onChange={() => toggle(m.id)} />
                    <span className="pg-model-body">
                      <span className="mono pg-model-id">{m.id}</span>
                      {m.kind === 'fine-tuned' && m.base_model && <span className="muted small-text">on {m.base_model}</span>}
                    </span>
                  </label>
                );
              })}
            </div>
          );
        })}
        {catalogue && !shown.length && <p className="muted small-text">No model matches “{q}”.</p>}
        {/* A preselected model the server does not list (deleted, or a typo in the link). */}
        {catalogue &&
          selected
            .filter((id) => !catalogue.some((m) => m.id === id))
            .map((id) => (
              <label key={id} className="pg-model on">
                <input type="checkbox" checked onChange={() => toggle(id)} />
                <span className="pg-model-body">
                  <span className="mono pg-model-id">{id}</span>
                  <span className="small-text status-error">Not on this server</span>
                </span>
              </label>
            ))}
      </div>
      {full && <p className="muted small-text">At most {MAX_MODELS} models at once.</p>}
      {msg && (
        <div className="field-error" id="pg-models-error" role="alert">
          {msg}
        </div>
      )}
    </fieldset>
  );
}

interface NumFieldProps {
  name: keyof SamplingText;
  label: string;
  hint: string;
  step: string;
  min?: number;
  max?: number;
  errorFields?: string[];
}

function NumField({ name, label, hint, step, min, max, errorFields }: NumFieldProps) {
  const value = usePlayground((s) => s.sampling[name]);
  const setSampling = usePlayground((s) => s.setSampling);
  const error = usePlayground((s) => s.requestError);
  const msg = fieldError(error, name, ...(errorFields ?? []));
  const id = `pg-${name}`;
  return (
    <div className="field pg-num">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        step={step}
        min={min}
        max={max}
        value={value}
        onChange={(e) => setSampling({ [name]: e.target.value })}
        aria-invalid={msg ? true : undefined}
        aria-describedby={`${id}-hint${msg ? ` ${id}-error` : ''}`}
      />
      <span className="hint" id={`${id}-hint`}>
        {hint}
      </span>
      {msg && (
        <div className="field-error" id={`${id}-error`} role="alert">
          {msg}
        </div>
      )}
    </div>
  );
}

export function SettingsPanel() {
  const system = usePlayground((s) => s.system);
  const setSystem = usePlayground((s) => s.setSystem);
  const stop = usePlayground((s) => s.sampling.stop);
  const setSampling = usePlayground((s) => s.setSampling);
  const error = usePlayground((s) => s.requestError);
  const stopMsg = fieldError(error, 'stop');
  const systemMsg = fieldError(error, 'messages.0');
  return (
    <>
      <div className="field">
        <label htmlFor="pg-system">System prompt</label>
        <textarea id="pg-system" rows={3} value={system} onChange={(e) => setSystem(e.target.value)} placeholder="You are a helpful assistant." aria-describedby="pg-system-hint" />
        <span className="hint" id="pg-system-hint">
          Sent first to every model; leave it empty for none.
        </span>
        {systemMsg && system.trim() && (
          <div className="field-error" role="alert">
            {systemMsg}
          </div>
        )}
      </div>
      <fieldset className="pg-sampling">
        <legend>
          <h2>Sampling</h2>
        </legend>
        <div className="pg-num-grid">
          <NumField name="temperature" label="Temperature" hint="0 = always the likeliest token" step="0.1" min={0} max={2} />
          <NumField name="top_p" label="Top p" hint="Nucleus sampling, 0–1" step="0.05" min={0} max={1} />
          <NumField name="max_tokens" label="Max tokens" hint="Longest answer" step="1" min={1} errorFields={['max_completion_tokens']} />
          <NumField name="seed" label="Seed" hint="Same seed, same answer" step="1" />
        </div>
        <div className="field">
          <label htmlFor="pg-stop">Stop sequences</label>
          <textarea
            id="pg-stop"
            rows={2}
            className="mono"
            value={stop}
            onChange={(e) => setSampling({ stop: e.target.value })}
            aria-invalid={stopMsg ? true : undefined}
            aria-describedby={`pg-stop-hint${stopMsg ? ' pg-stop-error' : ''}`}
          />
          <span className="hint" id="pg-stop-hint">
            One per line (up to 4); the answer ends before any of them. Write \n for a newline.
          </span>
          {stopMsg && (
            <div className="field-error" id="pg-stop-error" role="alert">
              {stopMsg}
            </div>
          )}
        </div>
      </fieldset>
    </>
  );
}
