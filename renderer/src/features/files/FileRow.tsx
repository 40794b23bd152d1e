import { Link } from 'react-router';
import type { OpenAIFile } from '@shared/schemas/files.js';
import { formatBytes, formatDate } from '@/lib/format';
import { useSettlingFile } from './file-queries';

const BADGE: Record<OpenAIFile['status'], string> = { processed: 'ok', uploaded: 'info', error: 'error' };

export function FileRow({ file: listed, onDelete, onDownload }: { file: OpenAIFile; onDelete: (f: OpenAIFile) => void; onDownload: (f: OpenAIFile) => void }) {
  const file = useSettlingFile(listed);
  const nameId = `file-name-${file.id}`;
  return (
    <tr data-testid="file-row" data-file-id={file.id}>
      <td>
        <div className="file-name" id={nameId}>
          {file.filename}
        </div>
        <div className="muted mono">{file.id}</div>
      </td>
      <td>{file.purpose}</td>
      <td className="num">{formatBytes(file.bytes)}</td>
      <td>{formatDate(file.created_at)}</td>
      <td>
        <span className={`badge ${BADGE[file.status]}`} data-testid="file-status">
          {file.status}
        </span>
        {file.status === 'uploaded' && <div className="muted small-text">validating…</div>}
        {file.status_details && <div className={`small-text ${file.status === 'error' ? 'status-error' : 'muted'}`}>{file.status_details}</div>}
      </td>
      <td>
        <div className="row-actions">
          <Link className="button small" to={`/files/${encodeURIComponent(file.id)}/edit`} aria-describedby={nameId}>
            Open in editor
          </Link>
          <Link className="button small" to={`/files/${encodeURIComponent(file.id)}/validation`} aria-describedby={nameId}>
            Validate
          </Link>
          <button type="button" className="small" onClick={() => onDownload(file)} aria-describedby={nameId}>
            Download
          </button>
          <button type="button" className="small danger" onClick={() => onDelete(file)} aria-describedby={nameId}>
            Delete
          </button>
          {file.purpose === 'fine-tune' ? (
            <Link className="button small" to={`/jobs/new?training_file=${encodeURIComponent(file.id)}`} aria-describedby={nameId}>
              Fine-tune
            </Link>
          ) : (
            <button type="button" className="small" aria-disabled="true" title="Only files uploaded with purpose fine-tune can train a model" aria-describedby={nameId} onClick={(e) => e.preventDefault()}>
              Fine-tune
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
