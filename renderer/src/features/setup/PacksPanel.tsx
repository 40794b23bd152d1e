/** Offline packs: import a model folder, a Hugging Face cache folder or a benchmark-data pack from disk. */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { PackImport } from '@shared/schemas/packs.js';
import { errorFor } from '@/api';
import { ErrorNotice, FieldError, ProgressBar, toast } from '@/ui';
import { formatBytes } from '@/lib/format';
import { availableText, BUILD_COMMANDS, importStatus, importTitle } from './packs-text';
import { usePackImports, useStartImport } from './packs-queries';
import './packs.css';

async function copy(text: string) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Command copied');
  } catch {
    toast('Could not copy the command: select it and press Ctrl+C.', 'error');
  }
}

function ImportRow({ i }: { i: PackImport }) {
  const status = importStatus(i);
  const models = i.items.filter((x) => x.type === 'model');
  const available = availableText(i);
  return (
    <li data-testid="pack-import" data-status={i.status}>
      <div className="row">
        <strong>{importTitle(i)}</strong>
        <span className={`badge ${status.tone}`}>{status.text}</span>
        <span className="muted small-text" style={{ marginLeft: 'auto' }}>
          {formatBytes(i.progress.bytes_total)} · {i.progress.files_total} files
        </span>
      </div>
      <div className="small-text">
        {i.kind === 'model' ? 'Model' : 'Datasets'}: <span className="mono">{i.items.map((x) => x.id).join(', ')}</span>
      </div>
      <div className="muted small-text mono pack-path">{i.path}</div>
      {i.status === 'importing' && (
        <>
          <ProgressBar value={i.progress.bytes_total ? i.progress.bytes_done / i.progress.bytes_total : null} label={`Importing ${i.items.map((x) => x.id).join(', ')}`} />
          <div className="muted small-text">
            {formatBytes(i.progress.bytes_done)} of {formatBytes(i.progress.bytes_total)} copied and checked
          </div>
        </>
      )}
      {i.status === 'failed' && i.error && (
        <div className="field-error" role="alert">
          {i.error.message}
        </div>
      )}
      {i.status === 'succeeded' && models.length > 0 && (
        <div className="small-text">
          {models.map((m) => (
            <span key={m.id}>
              <Link to="/models">Open {m.id} in Models</Link>{' '}
            </span>
          ))}
          <span className="muted">— ready to fine-tune, no internet needed.</span>
        </div>
      )}
      {available && <div className="small-text">{available}</div>}
    </li>
  );
}

export function PacksPanel() {
  const [path, setPath] = useState('');
  const imports = usePackImports();
  const start = useStartImport();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate(path.trim(), { onSuccess: (i) => toast(`Importing ${i.items.map((x) => x.id).join(', ')}`) });
  };
  const invalid = errorFor(start.error, 'path') !== null;
  const list = imports.data?.data ?? [];

  return (
    <section className="card packs-card" aria-labelledby="packs-h">
      <h2 id="packs-h">Offline packs</h2>
      <p className="muted">
        A pack carries a model or benchmark datasets to a machine without internet: build it where the Hugging Face hub is reachable, copy the folder (or its .tar), then import it
        here.
      </p>
      <div className="row">
        <span className="small-text">On a connected machine, in a Hone checkout:</span>
        <button type="button" className="small" style={{ marginLeft: 'auto' }} onClick={() => void copy(BUILD_COMMANDS)}>
          Copy commands
        </button>
      </div>
      <pre className="snippet" tabIndex={0} aria-label="Commands that build a pack">
        {BUILD_COMMANDS}
      </pre>
      <form className="row pack-form" onSubmit={onSubmit} noValidate>
        <label htmlFor="pack-path">Folder or .tar on this machine</label>
        <input
          id="pack-path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/media/usb/qwen-pack"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={invalid}
          aria-describedby="pack-path-help pack-path-error"
        />
        <button type="submit" className="primary" disabled={start.isPending || !path.trim()}>
          {start.isPending ? 'Checking…' : 'Import'}
        </button>
      </form>
      <div className="muted small-text" id="pack-path-help">
        Also accepted as they are: a model directory (config.json and *.safetensors) or a Hugging Face cache folder (models--org--name, or a cache holding several).
      </div>
      <FieldError error={start.error} field="path" id="pack-path-error" />
      {start.error && !invalid && <ErrorNotice error={start.error} />}
      {imports.error && <ErrorNotice error={imports.error} onRetry={() => void imports.refetch()} />}
      {list.length > 0 && (
        <ul className="pack-imports" aria-label="Pack imports">
          {list.map((i) => (
            <ImportRow key={i.id} i={i} />
          ))}
        </ul>
      )}
    </section>
  );
}
