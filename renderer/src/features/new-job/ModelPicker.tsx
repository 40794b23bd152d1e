/**
 * Step 1: the base model. Built-ins (size, what they need), models in the models dir, hub models
 * the catalog knows, any other Hugging Face id (looked up on the server as it is typed), and
 * fine-tuned models, listed but not choosable, with the reason.
 */
import { Link } from 'react-router';
import type { Model } from '@shared/schemas/jobs.js';
import { ErrorNotice, Spinner } from '@/ui';
import { formatBytes } from '@/lib/format';
import { described, FieldMessage, ids, type Errors } from './Field';
import { useModelLookup, useModels } from './queries';
import { useNewJobForm } from './form-store';

const GROUPS: Array<{ kind: Model['kind']; title: string }> = [
  { kind: 'builtin', title: 'Built-in' },
  { kind: 'local', title: 'In the models folder' },
];

export const notBaseReason = (m: Model): string | null =>
  m.can_be_base === false || (m.can_be_base === undefined && m.kind === 'fine-tuned') ? (m.not_base_reason ?? 'Fine-tuned models cannot be the base of a new job yet.') : null;

const STATUS: Partial<Record<NonNullable<Model['status']>, string>> = {
  not_prepared: 'prepared on first use',
  not_downloaded: 'downloaded on first use',
  preparing: 'preparing now…',
  downloading: 'downloading now…',
  failed: 'last preparation failed',
};

function facts(m: Model): string {
  const out: string[] = [];
  if (m.parameters) out.push(`${formatParams(m.parameters)} parameters`);
  if (m.size_bytes) out.push(formatBytes(m.size_bytes));
  if (m.status && STATUS[m.status]) out.push(STATUS[m.status]!);
  return out.join(' · ');
}

export const formatParams = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(n >= 1e10 ? 0 : 1)}B` : n >= 1e6 ? `${Math.round(n / 1e6)}M` : n.toLocaleString('en-US'));

function ModelOption({ m, checked, onPick }: { m: Model; checked: boolean; onPick: () => void }) {
  const reason = notBaseReason(m);
  const infoId = `nj-model-${m.id.replace(/[^a-z0-9]+/gi, '-')}-info`;
  return (
    <label className={`choice${reason ? ' disabled' : ''}${checked ? ' checked' : ''}`} data-testid="model-option" data-model={m.id}>
      <input type="radio" name="nj-model" value={m.id} checked={checked} disabled={!!reason} onChange={onPick} aria-describedby={infoId} />
      <span className="choice-body">
        <span className="choice-title mono">{m.id}</span>
        <span className="choice-info" id={infoId}>
          {m.description && <span>{m.description}</span>}
          {facts(m) && <span className="muted">{facts(m)}</span>}
          {m.requirements && <span className="muted">Needs: {m.requirements}</span>}
          {m.error && m.status === 'failed' && <span className="status-error">{m.error}</span>}
          {reason && <span className="reason">{reason}</span>}
        </span>
      </span>
    </label>
  );
}

export function ModelPicker({ errors }: { errors: Errors }) {
  const f = useNewJobForm();
  const models = useModels();
  const lookup = useModelLookup(f.modelSource === 'hub' ? f.hubId : '');
  const all = models.data?.data ?? [];
  const fineTuned = all.filter((m) => m.kind === 'fine-tuned');
  const hub = all.filter((m) => m.kind === 'hub');
  const pick = (id: string) => f.set({ model: id, modelSource: 'list' });
  const hubIds = ids('model-hub');

  return (
    <fieldset className="card nj-section" aria-describedby={errors.model ? ids('model').error : undefined}>
      <legend>
        <h2>1. Base model</h2>
      </legend>
      <p className="muted">The model to fine-tune. Built-in models need nothing else; others are fetched from Hugging Face on first use.</p>
      {models.isPending && <Spinner />}
      {models.isError && <ErrorNotice error={models.error} onRetry={() => void models.refetch()} />}
      {GROUPS.map(({ kind, title }) => {
        const list = all.filter((m) => m.kind === kind);
        if (!list.length) return null;
        return (
          <div key={kind} className="choice-group" role="group" aria-label={title}>
            <h3>{title}</h3>
            {list.map((m) => (
              <ModelOption key={m.id} m={m} checked={f.modelSource === 'list' && f.model === m.id} onPick={() => pick(m.id)} />
            ))}
          </div>
        );
      })}
      {hub.length > 0 && (
        // Many and mostly GPU-sized: folded unless one of them is the choice.
        <details className="choice-group" open={hub.some((m) => m.id === f.model && f.modelSource === 'list') || undefined}>
          <summary>Hugging Face models Hone knows ({hub.length}): downloaded on first use</summary>
          {hub.map((m) => (
            <ModelOption key={m.id} m={m} checked={f.modelSource === 'list' && f.model === m.id} onPick={() => pick(m.id)} />
          ))}
        </details>
      )}
      <div className="choice-group" role="group" aria-label="Another Hugging Face model">
        <label className={`choice${f.modelSource === 'hub' ? ' checked' : ''}`}>
          <input type="radio" name="nj-model" value="" checked={f.modelSource === 'hub'} onChange={() => f.set({ modelSource: 'hub' })} aria-describedby={hubIds.hint} />
          <span className="choice-body">
            <span className="choice-title">Another model from Hugging Face</span>
            <span className="choice-info muted" id={hubIds.hint}>
              Any model id on the hub, e.g. HuggingFaceTB/SmolLM2-135M-Instruct. Hone checks it before the job is created.
            </span>
          </span>
        </label>
        <div className="hub-id">
          <label htmlFor={ids('model').input} className="sr-only">
            Hugging Face model id
          </label>
          <input
            {...described('model', f.modelSource === 'hub' ? errors : {}, false)}
            type="text"
            placeholder="organisation/model-name"
            autoComplete="off"
            spellCheck={false}
            value={f.hubId}
            onChange={(e) => f.set({ hubId: e.target.value, modelSource: 'hub' })}
          />
          {f.modelSource === 'hub' && f.hubId.trim() !== '' && (
            <span className="muted small-text" aria-live="polite" data-testid="hub-check">
              {lookup.isFetching ? 'Checking on the server…' : lookup.data ? `Found${lookup.data.size_bytes ? ` · ${formatBytes(lookup.data.size_bytes)}` : ''}${lookup.data.requirements ? ` · needs ${lookup.data.requirements}` : ''}` : ''}
            </span>
          )}
        </div>
      </div>
      <FieldMessage field="model" errors={errors} />
      {fineTuned.length > 0 && (
        <details className="choice-group">
          <summary>
            Your fine-tuned models ({fineTuned.length}) — listed for reference; they cannot be a base yet
          </summary>
          {fineTuned.map((m) => (
            <ModelOption key={m.id} m={m} checked={false} onPick={() => undefined} />
          ))}
          <p className="muted small-text">
            See them all in <Link to="/models">Models</Link>.
          </p>
        </details>
      )}
    </fieldset>
  );
}
