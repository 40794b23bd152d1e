/** Step 3: how it trains — method, adapter (LoRA / QLoRA / full), sequence length, hyperparameters. */
import type { ReactNode } from 'react';
import type { JobEstimate } from '@shared/schemas/estimate.js';
import { formatInt } from '@/lib/format';
import { described, FieldMessage, ids, type Errors } from './Field';
import type { Adapter, AutoHp, FieldKey } from './form';
import { useNewJobForm } from './form-store';

/** A resolved value as the estimate gives it, short. */
export function showValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? formatInt(v) : Math.abs(v) < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (v === null || v === undefined) return '—';
  return String(v);
}

function Resolved({ k, resolved, label = 'auto' }: { k: string; resolved: Record<string, unknown> | undefined; label?: string }) {
  const v = resolved?.[k];
  if (v === undefined) return null; // no estimate yet
  return (
    <span className="resolved" data-testid={`resolved-${k}`}>
      {label} → <strong>{showValue(v)}</strong>
    </span>
  );
}

function HpField({ k, label, hint, errors, resolved }: { k: AutoHp; label: string; hint: ReactNode; errors: Errors; resolved: Record<string, unknown> | undefined }) {
  const v = useNewJobForm((s) => s.hp[k]);
  const setHp = useNewJobForm((s) => s.setHp);
  const key: FieldKey = `hyperparameters.${k}`;
  const i = ids(key);
  return (
    <div className="field hp-field">
      <label htmlFor={i.input}>{label}</label>
      <div className="row">
        <input
          {...described(key, errors)}
          type="text"
          inputMode="decimal"
          className="num-input"
          value={v.auto ? '' : v.value}
          placeholder="auto"
          onChange={(e) => setHp(k, { value: e.target.value, auto: e.target.value.trim() === '' })}
        />
        <label className="inline-check">
          <input
            type="checkbox"
            checked={v.auto}
            aria-label={`${label}: auto`}
            onChange={(e) => {
              const r = resolved?.[k];
              setHp(k, e.target.checked ? { auto: true, value: '' } : { auto: false, value: typeof r === 'number' ? String(r) : v.value });
            }}
          />
          auto
        </label>
        {v.auto && <Resolved k={k} resolved={resolved} />}
      </div>
      <div className="hint" id={i.hint}>
        {hint}
      </div>
      <FieldMessage field={key} errors={errors} />
    </div>
  );
}

/** A number where empty means the trainer's default (shown as "default → value"). */
function DefaultField({ k, label, hint, errors, resolved, value, onChange }: { k: string; label: string; hint: ReactNode; errors: Errors; resolved: Record<string, unknown> | undefined; value: string; onChange: (v: string) => void }) {
  const key: FieldKey = `hyperparameters.${k}`;
  return (
    <div className="field hp-field">
      <label htmlFor={ids(key).input}>{label}</label>
      <div className="row">
        <input {...described(key, errors)} type="text" inputMode="decimal" className="num-input" value={value} placeholder="default" onChange={(e) => onChange(e.target.value)} />
        {value.trim() === '' && <Resolved k={k} resolved={resolved} label="default" />}
      </div>
      <div className="hint" id={ids(key).hint}>
        {hint}
      </div>
      <FieldMessage field={key} errors={errors} />
    </div>
  );
}

const ADAPTERS: Array<{ value: Adapter; title: string; info: string }> = [
  { value: 'lora', title: 'LoRA', info: 'Trains small adapter matrices next to the frozen model: fast, little memory. The usual choice.' },
  { value: 'qlora', title: 'QLoRA', info: 'LoRA on a 4-bit quantised copy of the model: the least memory, a little slower.' },
  { value: 'full', title: 'Full fine-tune', info: 'Updates every weight: the most memory and disk, for large datasets.' },
];

export function TrainingFields({ errors, estimate, cpuOnly }: { errors: Errors; estimate: JobEstimate | undefined; cpuOnly: boolean }) {
  const f = useNewJobForm();
  const resolved = estimate?.hyperparameters;
  const qloraReason = cpuOnly ? 'Needs an NVIDIA GPU (bitsandbytes); this job runs on the CPU.' : null;

  return (
    <fieldset className="card nj-section">
      <legend>
        <h2>3. Training</h2>
      </legend>
      <div className="choice-group" role="radiogroup" aria-labelledby="nj-method-h" aria-describedby={errors.method ? ids('method').error : undefined}>
        <h3 id="nj-method-h">Method</h3>
        {(
          [
            ['supervised', 'Supervised', 'Learns to answer like the assistant messages in your chat examples.'],
            ['dpo', 'DPO (preference)', 'Learns to prefer one answer over another. Needs a preference-format file: input, preferred_output, non_preferred_output.'],
          ] as const
        ).map(([value, title, info]) => (
          <label key={value} className={`choice${f.method === value ? ' checked' : ''}`}>
            <input type="radio" name="nj-method" value={value} checked={f.method === value} onChange={() => f.set({ method: value })} aria-describedby={`nj-method-${value}-info`} />
            <span className="choice-body">
              <span className="choice-title">{title}</span>
              <span className="choice-info muted" id={`nj-method-${value}-info`}>
                {info}
              </span>
            </span>
          </label>
        ))}
        <FieldMessage field="method" errors={errors} />
      </div>
      {f.method === 'dpo' && (
        <div className="nj-grid">
          <HpField k="beta" label="Beta" hint="How far the model may move from its base while learning the preferences (higher: stays closer)." errors={errors} resolved={resolved} />
        </div>
      )}

      <div className="choice-group" role="radiogroup" aria-labelledby="nj-adapter-h">
        <h3 id="nj-adapter-h">What is trained</h3>
        {ADAPTERS.map((a) => {
          const reason = a.value === 'qlora' ? qloraReason : null;
          return (
            <label key={a.value} className={`choice${reason ? ' disabled' : ''}${f.adapter === a.value ? ' checked' : ''}`} data-testid={`adapter-${a.value}`}>
              <input type="radio" name="nj-adapter" value={a.value} checked={f.adapter === a.value} disabled={!!reason} onChange={() => f.set({ adapter: a.value })} aria-describedby={`nj-adapter-${a.value}-info`} />
              <span className="choice-body">
                <span className="choice-title">{a.title}</span>
                <span className="choice-info" id={`nj-adapter-${a.value}-info`}>
                  <span className="muted">{a.info}</span>
                  {reason && <span className="reason">{reason}</span>}
                </span>
              </span>
            </label>
          );
        })}
      </div>
      {f.adapter !== 'full' && (
        <div className="nj-grid">
          <DefaultField k="lora_r" label="LoRA rank (r)" hint="Size of the adapter matrices: more capacity, more memory." errors={errors} resolved={resolved} value={f.lora_r} onChange={(v) => f.set({ lora_r: v })} />
          <DefaultField k="lora_alpha" label="LoRA alpha" hint="Scales the adapter's effect (often 2 × r)." errors={errors} resolved={resolved} value={f.lora_alpha} onChange={(v) => f.set({ lora_alpha: v })} />
          <DefaultField k="lora_dropout" label="LoRA dropout" hint="Share of adapter inputs dropped while training (0–0.9)." errors={errors} resolved={resolved} value={f.lora_dropout} onChange={(v) => f.set({ lora_dropout: v })} />
        </div>
      )}

      <div className="nj-grid">
        <DefaultField
          k="max_seq_length"
          label="Max sequence length (tokens)"
          hint={
            estimate ? (
              <span data-testid="truncated">
                {estimate.truncated_examples === 0
                  ? `No example is longer: none of the ${formatInt(estimate.n_examples)} examples is cut.`
                  : `${formatInt(estimate.truncated_examples)} of ${formatInt(estimate.n_examples)} examples are longer and would be cut at this length.`}
              </span>
            ) : (
              'Longer examples are cut at this length; the estimate says how many.'
            )
          }
          errors={errors}
          resolved={resolved}
          value={f.max_seq_length}
          onChange={(v) => f.set({ max_seq_length: v })}
        />
      </div>

      <h3>Hyperparameters</h3>
      <p className="muted small-text">“auto” lets the trainer choose from your data, as OpenAI does; the value it picks for this request is shown next to it.</p>
      <div className="nj-grid">
        <HpField k="n_epochs" label="Epochs" hint="Passes over the training file." errors={errors} resolved={resolved} />
        <HpField k="batch_size" label="Batch size" hint="Examples per training step." errors={errors} resolved={resolved} />
        <HpField
          k="learning_rate_multiplier"
          label="Learning rate multiplier"
          hint={<>Scales the base learning rate{resolved?.learning_rate !== undefined && <> (learning rate → {showValue(resolved.learning_rate)})</>}.</>}
          errors={errors}
          resolved={resolved}
        />
        <HpField k="warmup_ratio" label="Warm-up ratio" hint="Share of the steps in which the learning rate ramps up (0–0.5)." errors={errors} resolved={resolved} />
        <HpField k="gradient_accumulation_steps" label="Gradient accumulation steps" hint="Batches summed per optimizer step: a larger effective batch in the same memory." errors={errors} resolved={resolved} />
      </div>
    </fieldset>
  );
}
