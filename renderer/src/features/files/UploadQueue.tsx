import { ErrorNotice, ProgressBar } from '@/ui';
import { formatBytes, formatDuration } from '@/lib/format';
import { useUploads, type UploadItem } from './upload-store';

const STATE_LABEL: Record<UploadItem['state'], string> = { queued: 'waiting', uploading: 'uploading', done: 'uploaded', error: 'failed', cancelled: 'cancelled' };
const STATE_BADGE: Record<UploadItem['state'], string> = { queued: '', uploading: 'info', done: 'ok', error: 'error', cancelled: 'warn' };

/** Every upload of this tab, newest first: progress, speed and time left, then the md5 or the server's error. */
export function UploadQueue() {
  const items = useUploads((s) => s.items);
  const clearFinished = useUploads((s) => s.clearFinished);
  if (!items.length) return null;
  const anyFinished = items.some((i) => i.state !== 'uploading' && i.state !== 'queued');
  return (
    <section className="card uploads" aria-labelledby="uploads-title">
      <div className="row">
        <h2 id="uploads-title">Uploads</h2>
        {anyFinished && (
          <button type="button" className="ghost small" style={{ marginLeft: 'auto' }} onClick={clearFinished}>
            Clear finished
          </button>
        )}
      </div>
      <ul className="upload-list">
        {items.map((i) => (
          <UploadRow key={i.key} item={i} />
        ))}
      </ul>
    </section>
  );
}

function UploadRow({ item }: { item: UploadItem }) {
  const cancel = useUploads((s) => s.cancel);
  const dismiss = useUploads((s) => s.dismiss);
  const active = item.state === 'uploading' || item.state === 'queued';
  return (
    <li className="upload-item" data-testid="upload-item" data-state={item.state} data-name={item.name}>
      <div className="row">
        <strong className="upload-name">{item.name}</strong>
        <span className={`badge ${STATE_BADGE[item.state]}`}>{STATE_LABEL[item.state]}</span>
        <span className="muted">
          {formatBytes(item.bytes)} · {item.purpose}
          {item.viaParts ? ' · in 64 MB parts' : ''}
        </span>
        <span style={{ marginLeft: 'auto' }} />
        {active ? (
          <button type="button" className="small" onClick={() => cancel(item.key)} aria-label={`Cancel upload of ${item.name}`}>
            Cancel
          </button>
        ) : (
          <button type="button" className="ghost small" onClick={() => dismiss(item.key)} aria-label={`Dismiss ${item.name}`}>
            Dismiss
          </button>
        )}
      </div>
      {active && (
        <>
          <ProgressBar value={item.bytes ? item.loaded / item.bytes : null} label={`Uploading ${item.name}`} />
          <div className="muted upload-stats">
            {item.state === 'queued'
              ? 'Waiting for another upload to finish…'
              : `${formatBytes(item.loaded)} of ${formatBytes(item.bytes)} · ${item.rate === null ? '—' : `${formatBytes(item.rate)}/s`} · ${item.eta === null ? 'estimating time left' : `${formatDuration(item.eta)} left`}`}
          </div>
          {item.note && <div className="muted">{item.note}</div>}
        </>
      )}
      {item.state === 'done' && item.file && (
        <div className="muted">
          Saved as <span className="mono">{item.file.id}</span> · md5 <span className="mono" data-testid="upload-checksum">{item.file.checksum}</span>
        </div>
      )}
      {item.state === 'error' && <ErrorNotice error={item.error} title={`${item.name} was not uploaded`} />}
      {item.state === 'cancelled' && <div className="muted">Cancelled; nothing was kept on the server.</div>}
    </li>
  );
}
