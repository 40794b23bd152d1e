/**
 * Step 2: the training file and an optional validation file, from the fine-tune files, each with
 * its validation state. A file with errors (or in the wrong format for the method) cannot be
 * chosen and says why, with a link into the editor.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import type { OpenAIFile } from '@shared/schemas/files.js';
import { ErrorNotice, Spinner } from '@/ui';
import { formatBytes, formatDate } from '@/lib/format';
import { FieldMessage, ids, type Errors } from './Field';
import { fileState } from './file-state';
import type { MethodType } from './form';
import { PICKER_LIMIT, useDebounced, useFile, useFileReport, useFineTuneFiles, useImportSample, useSamples } from './queries';

const BADGE = { valid: 'ok', validating: 'info', errors: 'error', wrong_format: 'warn' } as const;

function FileOption({ file, name, checked, method, onPick, trainingId }: { file: OpenAIFile; name: string; checked: boolean; method: MethodType; onPick: () => void; trainingId?: string }) {
  const report = useFileReport(file);
  const state = fileState(file, report.data, method);
  const sameAsTraining = trainingId === file.id;
  const choosable = state.choosable && !sameAsTraining;
  const infoId = `${name}-${file.id}-info`;
  return (
    <div
      className={`choice${choosable ? '' : ' disabled'}${checked ? ' checked' : ''}`}
      data-testid="file-option"
      data-file-id={file.id}
      data-state={state.kind}
      // A click anywhere on the card picks it (keyboard users have the radio itself).
      onClick={(e) => choosable && !(e.target as HTMLElement).closest('a, input, label') && onPick()}
    >
      <input type="radio" id={`${name}-${file.id}`} name={name} value={file.id} checked={checked} disabled={!choosable} onChange={onPick} aria-describedby={infoId} />
      <span className="choice-body">
        <label className="choice-title" htmlFor={`${name}-${file.id}`}>
          {file.filename}
        </label>
        <span className="choice-info" id={infoId}>
          <span className="muted">
            <span className="mono">{file.id}</span> · {formatBytes(file.bytes)} · {formatDate(file.created_at)}
          </span>
          <span className={state.kind === 'errors' ? 'reason' : undefined}>
            <span className={`badge ${BADGE[state.kind]}`}>{state.kind === 'valid' ? 'valid' : state.kind === 'validating' ? 'validating' : state.kind === 'errors' ? 'errors' : 'wrong format'}</span> {sameAsTraining ? 'This is the training file.' : state.text}
          </span>
        </span>
        {(state.fixInEditor || state.kind === 'valid') && (
          <span className="row choice-links">
            {state.fixInEditor && (
              <Link to={`/files/${encodeURIComponent(file.id)}/edit`} aria-label={`Fix ${file.filename} in the editor`}>
                Fix in the editor
              </Link>
            )}
            <Link to={`/files/${encodeURIComponent(file.id)}/validation`} aria-label={`Validation report of ${file.filename}`}>
              Validation report
            </Link>
          </span>
        )}
      </span>
    </div>
  );
}

function NoFiles() {
  const samples = useSamples(true);
  const imp = useImportSample();
  return (
    <div className="notice" data-testid="no-files">
      <div>
        <strong>No fine-tune files yet.</strong> Upload a JSONL dataset in <Link to="/files">Files</Link>, or start with a sample:
        <div className="row" style={{ marginTop: 8 }}>
          {samples.data?.data.map((s) => (
            <button key={s.name} type="button" className="small" disabled={imp.isPending} onClick={() => imp.mutate(s.name)} title={s.description}>
              Import {s.name}
            </button>
          ))}
        </div>
        {imp.isError && <ErrorNotice error={imp.error} />}
      </div>
    </div>
  );
}

export function DatasetPicker({ which, value, onChange, method, errors, trainingId }: { which: 'training_file' | 'validation_file'; value: string; onChange: (id: string) => void; method: MethodType; errors: Errors; trainingId?: string }) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 250);
  const files = useFineTuneFiles(q);
  const chosen = useFile(value);
  const name = `nj-${which}`;
  const listed = files.data?.data ?? [];
  // The chosen file stays visible whatever the search shows.
  const shown = chosen.data && !listed.some((f) => f.id === value) ? [chosen.data, ...listed] : listed;
  const total = files.data?.total ?? listed.length;
  const title = which === 'training_file' ? 'Training file' : 'Validation file (optional)';
  const headId = `${name}-label`;
  const noFiles = files.data && total === 0 && q === '';

  return (
    <div className="nj-files">
      <div className="row">
        <h3 id={headId}>{title}</h3>
        {!noFiles && (
          <input type="search" className="nj-search" aria-label={`Search ${which === 'training_file' ? 'training' : 'validation'} files by name`} placeholder="Search by name" value={search} onChange={(e) => setSearch(e.target.value)} />
        )}
      </div>
      <p className="muted small-text" id={ids(which).hint}>
        {which === 'training_file'
          ? method === 'dpo'
            ? 'DPO trains on preference pairs: each line has input, preferred_output and non_preferred_output.'
            : 'Supervised training uses chat examples: each line has messages (system, user, assistant).'
          : 'Examples held out from training: the job reports the loss on them (validation loss) as it trains.'}
      </p>
      {files.isPending && <Spinner />}
      {files.isError && <ErrorNotice error={files.error} onRetry={() => void files.refetch()} />}
      {noFiles && which === 'training_file' && <NoFiles />}
      {noFiles && which === 'validation_file' && <p className="muted">No files to choose from.</p>}
      {!noFiles && (
        <div role="radiogroup" aria-labelledby={headId} aria-describedby={[ids(which).hint, errors[which] ? ids(which).error : ''].join(' ').trim()} className="choice-list" id={ids(which).input} aria-invalid={errors[which] ? true : undefined}>
          {which === 'validation_file' && (
            <div className={`choice${value === '' ? ' checked' : ''}`}>
              <input type="radio" id={`${name}-none`} name={name} value="" checked={value === ''} onChange={() => onChange('')} />
              <span className="choice-body">
                <label className="choice-title" htmlFor={`${name}-none`}>
                  None
                </label>
                <span className="choice-info muted">Train on the whole training file; no validation loss.</span>
              </span>
            </div>
          )}
          {shown.map((f) => (
            <FileOption key={f.id} file={f} name={name} checked={value === f.id} method={method} onPick={() => onChange(f.id)} trainingId={trainingId} />
          ))}
          {files.data && listed.length === 0 && q !== '' && <p className="muted">No fine-tune file matches “{q}”.</p>}
        </div>
      )}
      {total > PICKER_LIMIT && (
        <p className="muted small-text">
          Showing the newest {PICKER_LIMIT} of {total.toLocaleString('en-US')} files; search by name to find others.
        </p>
      )}
      <FieldMessage field={which} errors={errors} />
    </div>
  );
}

/** The problem with the chosen file for this method, if any (shown next to the picker). */
export function useChosenFileProblem(id: string, method: MethodType): string | null {
  const file = useFile(id);
  const report = useFileReport(file.data);
  if (!id) return null;
  if (file.isError) return file.error.message;
  if (!file.data) return null;
  const s = fileState(file.data, report.data, method);
  return s.choosable ? null : `${file.data.filename}: ${s.text}`;
}
