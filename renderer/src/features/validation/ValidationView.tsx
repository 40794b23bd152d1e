/**
 * `/files/:fileId/validation`: is this dataset ready to fine-tune on? Shows the latest report, or
 * runs a background validation with a model's tokenizer (exact token counts) and follows it.
 * The run id lives in `?run=` so a reload keeps following it.
 */
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { OpenAIFile } from '@shared/schemas/files.js';
import { ModelList, type Model } from '@shared/schemas/jobs.js';
import { ValDatasetResponse, ValidationRun } from '@shared/schemas/validation.js';
import { api, ApiError, errorFor } from '@/api';
import { ErrorNotice, FieldError, PageHeader, ProgressBar, Spinner } from '@/ui';
import { formatBytes, formatInt } from '@/lib/format';
import { ReportView } from './ReportView';
import './validation.css';

const KIND_ORDER: Record<Model['kind'], number> = { builtin: 0, local: 1, hub: 2, 'fine-tuned': 3 };
const KIND_LABEL: Record<Model['kind'], string> = { builtin: 'Built-in', local: 'Local', hub: 'Hugging Face', 'fine-tuned': 'Fine-tuned' };
const active = (r: ValidationRun | undefined) => r?.status === 'preparing_model' || r?.status === 'running';

export function ValidationView() {
  const fileId = useParams().fileId!;
  const [search, setSearch] = useSearchParams();
  const runId = search.get('run');
  const qc = useQueryClient();

  const file = useQuery({ queryKey: ['files', fileId], queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(fileId)}`, OpenAIFile, { signal }) });
  const models = useQuery({ queryKey: ['models'], queryFn: ({ signal }) => api.get('/v1/models', ModelList, { signal }) });
  const run = useQuery({
    queryKey: ['validations', runId],
    enabled: runId !== null,
    queryFn: ({ signal }) => api.get(`/v1/validations/${encodeURIComponent(runId!)}`, ValidationRun, { signal }),
    refetchInterval: (q) => (active(q.state.data) ? 1000 : false),
  });
  const latest = useQuery({
    queryKey: ['files', fileId, 'validation'],
    enabled: runId === null || run.data?.status === 'cancelled' || run.data?.status === 'failed' || run.isError,
    queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(fileId)}/validation`, ValDatasetResponse, { signal }),
  });

  // Until the user picks, the followed run's model (after a reload) is the choice.
  const [picked, setModel] = useState<string | null>(null);
  const model = picked ?? run.data?.model ?? '';
  // A finished run is now the file's latest report, and validation may have changed the file's status.
  const finished = run.data?.status === 'succeeded';
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: ['files', fileId] });
  }, [finished, fileId, qc]);

  const start = useMutation({
    mutationFn: () => api.post(`/v1/files/${encodeURIComponent(fileId)}/validations`, ValidationRun, { json: model ? { model } : {} }),
    onSuccess: (r) => {
      qc.setQueryData(['validations', r.id], r);
      setSearch({ run: r.id });
    },
  });
  const cancel = useMutation({
    mutationFn: (id: string) => api.post(`/v1/validations/${encodeURIComponent(id)}/cancel`, ValidationRun),
    onSuccess: (r) => qc.setQueryData(['validations', r.id], r),
  });

  const sorted = [...(models.data?.data ?? [])].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.id.localeCompare(b.id));
  const runError = run.data?.error ? new ApiError(400, run.data.error.message, run.data.error.param, run.data.error.code) : null;
  const modelError = errorFor(start.error, 'model') ? start.error : errorFor(runError, 'model') ? runError : null;
  const report = run.data?.status === 'succeeded' ? run.data.report : latest.data;

  return (
    <div className="page validation-view">
      <PageHeader
        title={file.data ? `Validation: ${file.data.filename}` : 'Validation'}
        subtitle="Checks that every example is a valid fine-tuning example and counts the tokens you would train on."
        actions={
          <>
            <Link className="button" to="/files">
              ← Back to Files
            </Link>
            <Link className="button" to={`/files/${encodeURIComponent(fileId)}/edit`}>
              Open in editor
            </Link>
            {report?.valid && file.data?.purpose === 'fine-tune' && (
              <Link className="button primary" to={`/jobs/new?training_file=${encodeURIComponent(fileId)}${model ? `&model=${encodeURIComponent(model)}` : ''}`}>
                Fine-tune on this file
              </Link>
            )}
          </>
        }
      />
      {file.isError && <ErrorNotice error={file.error} onRetry={() => void file.refetch()} />}
      {file.data && (
        <div className="row file-facts" data-testid="file-facts">
          <span className="mono">{file.data.filename}</span>
          <span>{formatBytes(file.data.bytes)}</span>
          <span className={`badge ${file.data.status === 'error' ? 'error' : file.data.status === 'processed' ? 'ok' : 'info'}`}>{file.data.status}</span>
          <span className="muted mono">{file.data.id}</span>
        </div>
      )}

      <form
        className="card run-form"
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="val-model">Count tokens with model</label>
          <select
            id="val-model"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            aria-invalid={modelError ? true : undefined}
            aria-describedby="val-model-hint val-model-error"
            disabled={models.isPending}
          >
            <option value="">No model: estimate (~4 bytes per token)</option>
            {sorted.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id} ({KIND_LABEL[m.kind]})
              </option>
            ))}
          </select>
          <span className="hint" id="val-model-hint">
            With a model, tokens are counted exactly with its tokenizer and chat template. A built-in model is prepared on first use.
          </span>
          <FieldError error={modelError} field="model" id="val-model-error" />
          {models.isError && <ErrorNotice error={models.error} onRetry={() => void models.refetch()} title="Could not list models" />}
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={start.isPending || active(run.data)}>
            {model ? `Validate with ${model}` : 'Validate again'}
          </button>
          {runId && !active(run.data) && (
            <button type="button" className="ghost" onClick={() => setSearch({})}>
              Show the latest report
            </button>
          )}
        </div>
        {start.isError && !errorFor(start.error, 'model') && <ErrorNotice error={start.error} />}
      </form>

      {runId && <RunStatus run={run.data} error={run.error} runError={modelError ? null : runError} cancelling={cancel.isPending} onCancel={(id) => cancel.mutate(id)} onRetry={() => void run.refetch()} />}
      {cancel.isError && <ErrorNotice error={cancel.error} />}

      {!active(run.data) &&
        (report ? (
          <ReportView report={report} fileId={fileId} />
        ) : latest.isError ? (
          <ErrorNotice error={latest.error} onRetry={() => void latest.refetch()} title="Could not validate this file" />
        ) : latest.isFetching ? (
          <Spinner label="Validating" />
        ) : null)}
    </div>
  );
}

function RunStatus(props: {
  run: ValidationRun | undefined;
  error: unknown;
  runError: ApiError | null;
  cancelling: boolean;
  onCancel: (id: string) => void;
  onRetry: () => void;
}) {
  const { run } = props;
  if (props.error) return <ErrorNotice error={props.error} onRetry={props.onRetry} title="Could not follow the validation" />;
  if (!run) return <Spinner label="Starting validation" />;
  if (run.status === 'cancelled') return <div className="notice warn" role="status">The validation was cancelled. Below is the latest complete report.</div>;
  if (run.status === 'failed') return props.runError ? <ErrorNotice error={props.runError} title="The validation failed" /> : null;
  if (run.status === 'succeeded') return null;
  const frac = run.bytes_total > 0 ? run.bytes_done / run.bytes_total : null;
  return (
    <section className="card run-status" aria-live="polite" data-testid="run-status">
      <div className="row">
        <Spinner label={run.status === 'preparing_model' ? `Preparing ${run.model ?? 'the model'}` : `Validating${run.model ? ` with ${run.model}` : ''}`} />
        <button type="button" className="danger" onClick={() => props.onCancel(run.id)} disabled={props.cancelling}>
          Cancel
        </button>
      </div>
      <ProgressBar value={run.status === 'preparing_model' ? null : frac} label="Validation progress" />
      <div className="muted">
        {run.status === 'preparing_model'
          ? 'Getting the tokenizer ready; this happens once per model.'
          : `${formatBytes(run.bytes_done)} of ${formatBytes(run.bytes_total)} read (${formatInt(Math.round((frac ?? 0) * 100))}%)`}
      </div>
    </section>
  );
}
