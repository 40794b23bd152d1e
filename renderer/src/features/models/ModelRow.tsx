import { Link } from 'react-router';
import type { Model } from '@shared/schemas/jobs.js';
import { ErrorNotice, ProgressBar } from '@/ui';
import { ExportList } from '@/features/jobs';
import { formatBytes, formatDate } from '@/lib/format';
import { formatParameters, isBusy, progressValue, sizeNote, statusOf } from './model-groups';
import { usePrepareModel, useSettlingModel } from './model-queries';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** One model: what it is, where it stands, and what can be done with it. */
export function ModelRow({ model: listed, onDelete }: { model: Model; onDelete: (m: Model) => void }) {
  const m = useSettlingModel(listed);
  const prepare = usePrepareModel();
  const nameId = `model-name-${m.id}`;
  const status = statusOf(m);
  const busy = isBusy(m) || prepare.isPending;
  const canFetch = (m.kind === 'builtin' || m.kind === 'hub') && (m.status === 'not_prepared' || m.status === 'not_downloaded' || m.status === 'failed');
  const verb = m.kind === 'hub' ? 'Download' : 'Prepare';
  const note = sizeNote(m);
  const p = m.progress;
  const progressText = p ? `${formatBytes(p.bytes_done)}${p.bytes_total ? ` of ${formatBytes(p.bytes_total)}` : ''}` : 'starting…';
  return (
    <tr data-testid="model-row" data-model-id={m.id}>
      <td>
        <div className="model-name mono" id={nameId}>
          {m.id}
        </div>
        {m.kind === 'hub' && m.base_model && <div className="mono small-text">{m.base_model}</div>}
        {m.description && <div className="muted small-text">{m.description}</div>}
        {m.requirements && <div className="small-text model-needs">To train: {lowerFirst(m.requirements)}</div>}
        {m.can_be_base === false && m.kind !== 'fine-tuned' && m.not_base_reason && <div className="small-text status-error">{m.not_base_reason}</div>}
        {/* Its exports (merged, GGUF, Ollama) with downloads; nothing when there are none. */}
        {(m.kind === 'fine-tuned' || m.status === 'ready') && <ExportList model={m.id} compact />}
      </td>
      <td data-testid="model-status">
        <span className={`badge ${status.tone}`}>{status.text}</span>
        {isBusy(m) && (
          <div className="model-progress">
            <ProgressBar value={progressValue(m)} label={`${m.status === 'downloading' ? 'Downloading' : 'Preparing'} ${m.id}`} />
            <div className="muted small-text" data-testid="model-progress-text">
              {progressText}
            </div>
          </div>
        )}
        {m.status === 'failed' && m.error && (
          <div className="small-text status-error" data-testid="model-error">
            {m.error}
          </div>
        )}
      </td>
      <td className="num">
        {formatBytes(m.size_bytes)}
        {note && m.size_bytes ? <div className="muted small-text">{note}</div> : null}
      </td>
      <td className="num">{formatParameters(m.parameters)}</td>
      {m.kind === 'fine-tuned' && (
        <td>
          <div className="mono small-text">{m.base_model}</div>
          {m.job_id && (
            <div className="small-text">
              by <Link to={`/jobs/${encodeURIComponent(m.job_id)}`}>{m.job_id}</Link>
            </div>
          )}
        </td>
      )}
      <td className="created">{m.status === 'ready' || m.kind === 'fine-tuned' ? formatDate(m.created) : <span className="muted">—</span>}</td>
      <td>
        <div className="row-actions">
          {canFetch && (
            <button type="button" className="small primary" disabled={busy} onClick={() => prepare.mutate(m.id)} aria-describedby={nameId}>
              {m.status === 'failed' ? `${verb} again` : verb}
            </button>
          )}
          {m.can_be_base !== false ? (
            <Link className="button small" to={`/jobs/new?model=${encodeURIComponent(m.id)}`} aria-describedby={nameId}>
              Fine-tune
            </Link>
          ) : m.kind === 'fine-tuned' && m.base_model ? (
            <Link className="button small" to={`/jobs/new?model=${encodeURIComponent(m.base_model)}`} title={m.not_base_reason ?? undefined} aria-describedby={nameId}>
              Fine-tune its base
            </Link>
          ) : null}
          {(m.kind === 'fine-tuned' || m.status === 'ready') && (
            <Link className="button small" to={`/playground?models=${encodeURIComponent(m.kind === 'fine-tuned' && m.base_model ? `${m.base_model},${m.id}` : m.id)}`} aria-describedby={nameId}>
              Chat
            </Link>
          )}
          <Link className="button small" to={`/benchmarks?model=${encodeURIComponent(m.id)}`} aria-describedby={nameId}>
            Benchmark
          </Link>
          {m.kind === 'fine-tuned' && (
            <button type="button" className="small danger" onClick={() => onDelete(m)} aria-describedby={nameId}>
              Delete
            </button>
          )}
        </div>
        {prepare.error && !(m.status === 'failed' && m.error === prepare.error.message) && <ErrorNotice error={prepare.error} />}
      </td>
    </tr>
  );
}
