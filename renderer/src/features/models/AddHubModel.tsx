import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, errorFor, useSystemStatus } from '@/api';
import { ErrorNotice, FieldError, Spinner, toast } from '@/ui';
import { formatBytes } from '@/lib/format';
import { formatParameters, hubIdProblem, normaliseHubInput, statusOf } from './model-groups';
import { useHubCheck, usePrepareModel } from './model-queries';

/** "Add a Hugging Face model": check an id on the hub, then download it. Errors sit under the input. */
export function AddHubModel() {
  const [text, setText] = useState('');
  const [asked, setAsked] = useState<string | null>(null);
  const [local, setLocal] = useState<ApiError | null>(null);
  const check = useHubCheck(asked);
  const prepare = usePrepareModel();
  const disk = useSystemStatus().data?.disk;

  const onCheck = (e: FormEvent) => {
    e.preventDefault();
    const id = normaliseHubInput(text);
    setText(id);
    prepare.reset();
    const problem = hubIdProblem(id);
    setLocal(problem ? new ApiError(400, problem, 'model') : null);
    setAsked(problem ? null : id);
    if (!problem && id === asked) void check.refetch();
  };
  const error = local ?? prepare.error ?? (asked ? check.error : null);
  const found = asked && !local && check.data && check.data.id === asked ? check.data : null;
  const invalid = errorFor(error, 'model') !== null;

  return (
    <section className="card add-hub" aria-labelledby="add-hub-title">
      <h2 id="add-hub-title">Add a Hugging Face model</h2>
      <p className="muted">
        Any model on huggingface.co, by its id (org/name). Hone asks the hub whether it exists and how big it is, then downloads it into this machine’s Hugging Face cache
        {disk?.free_bytes ? ` (${formatBytes(disk.free_bytes)} free on the data disk)` : ''}. No internet on this machine?{' '}
        <Link to="/setup">Import from a folder…</Link>
      </p>
      <form className="row add-hub-form" onSubmit={onCheck} noValidate>
        <label htmlFor="hub-model-id">Model id</label>
        <input
          id="hub-model-id"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Qwen/Qwen2.5-0.5B-Instruct"
          spellCheck={false}
          autoComplete="off"
          maxLength={200}
          aria-invalid={invalid}
          aria-describedby="hub-model-error"
        />
        <button type="submit" disabled={check.isFetching}>
          Check
        </button>
        {check.isFetching && <Spinner label="Asking the hub" />}
      </form>
      <FieldError error={error} field="model" id="hub-model-error" />
      {error && !invalid && <ErrorNotice error={error} />}
      {found && (
        <div className="hub-found" data-testid="hub-found">
          <div>
            <strong className="mono">{found.id}</strong> <span className={`badge ${statusOf(found).tone}`}>{statusOf(found).text}</span>
          </div>
          <div className="muted small-text">
            {found.status === 'ready' ? 'Already on this machine' : 'Found on the hub'}
            {found.size_bytes ? ` · ${formatBytes(found.size_bytes)}${found.status === 'ready' ? '' : ' to download'}` : ''}
            {found.parameters ? ` · ${formatParameters(found.parameters)} parameters` : ''}
          </div>
          {found.requirements && <div className="small-text model-needs">To train: {found.requirements.charAt(0).toLowerCase() + found.requirements.slice(1)}</div>}
          {(found.status === 'not_downloaded' || found.status === 'failed') && (
            <button
              type="button"
              className="primary"
              disabled={prepare.isPending}
              onClick={() =>
                prepare.mutate(found.id, {
                  onSuccess: (m) => {
                    toast(`Downloading ${m.id}: its progress shows in the Hugging Face list`);
                    setAsked(null);
                    setText('');
                  },
                })
              }
            >
              {prepare.isPending ? 'Starting…' : `Download ${found.id}`}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
