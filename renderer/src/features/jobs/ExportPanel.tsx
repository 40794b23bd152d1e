/**
 * Export a fine-tuned model for the tools people deploy with: a merged model, a GGUF (f16, q8_0,
 * q4_k_m), the adapter as a LoRA GGUF, or an Ollama Modelfile with its GGUF. Exports run one at a
 * time on the server with progress and events; the list shows each with its files, sizes and
 * downloads (fetched with the key in the header, never in a URL).
 */
import { useState } from 'react';
import type { CreateExportBody, ExportObject as Export } from '@shared/schemas/exports.js';
import { errorFor } from '@/api';
import { ErrorNotice, FieldError, ProgressBar, saveDownload, toast } from '@/ui';
import { formatBytes, formatDate, formatDuration } from '@/lib/format';
import { isActive, useCancelExport, useExportEvents, useExports, useStartExport } from './export-queries';
import './export.css';

interface Choice {
  key: string;
  label: string;
  hint: string;
  body: CreateExportBody;
}

const CHOICES: Choice[] = [
  { key: 'merged', label: 'Merged model', hint: 'The adapter merged into the base: safetensors, tokenizer and chat template, for transformers or vLLM.', body: { format: 'merged' } },
  { key: 'gguf-f16', label: 'GGUF f16', hint: 'llama.cpp’s format at full 16-bit precision.', body: { format: 'gguf', quantization: 'f16' } },
  { key: 'gguf-q8_0', label: 'GGUF q8_0', hint: '8-bit: about half the size of f16, nearly the same answers.', body: { format: 'gguf', quantization: 'q8_0' } },
  { key: 'gguf-q4_k_m', label: 'GGUF q4_k_m', hint: '4-bit: the smallest; needs llama.cpp’s quantizer on this machine.', body: { format: 'gguf', quantization: 'q4_k_m' } },
  { key: 'lora_gguf', label: 'LoRA GGUF', hint: 'Only the adapter, for llama.cpp’s --lora on top of the base GGUF.', body: { format: 'lora_gguf' } },
  { key: 'ollama', label: 'Ollama Modelfile', hint: 'A q8_0 GGUF and a Modelfile (template and stop words from the chat template): ollama create -f Modelfile.', body: { format: 'ollama', quantization: 'q8_0' } },
];

const STATUS_TONE: Record<Export['status'], string> = { queued: 'info', running: 'info', succeeded: 'ok', failed: 'error', cancelled: 'warn' };

function choiceLabel(e: Pick<Export, 'format' | 'quantization'>): string {
  const c = CHOICES.find((x) => x.body.format === e.format && (x.body.quantization ?? null) === (e.quantization ?? x.body.quantization ?? null));
  return c?.label ?? `${e.format}${e.quantization ? ` ${e.quantization}` : ''}`;
}

export function ExportPanel({ model }: { model: string }) {
  const [choice, setChoice] = useState('merged');
  const start = useStartExport(model);
  const picked = CHOICES.find((c) => c.key === choice)!;
  const fieldMsg = errorFor(start.error, 'format') ?? errorFor(start.error, 'quantization');
  return (
    <section className="card export-panel" aria-labelledby="export-title" data-testid="export-panel">
      <h2 id="export-title">Export</h2>
      <p className="muted small-text">Take the model to llama.cpp, Ollama, vLLM or transformers. Exports run on this machine one at a time; the files stay listed here and on the Models page.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          start.mutate(picked.body, { onSuccess: (x) => toast(`Export ${choiceLabel(x)} started`) });
        }}
      >
        <fieldset className="export-choices" aria-describedby={fieldMsg ? 'export-error' : undefined}>
          <legend className="label-like">Format</legend>
          {CHOICES.map((c) => (
            <label key={c.key} className={`export-choice${choice === c.key ? ' on' : ''}`}>
              <input type="radio" name="export-format" value={c.key} checked={choice === c.key} onChange={() => setChoice(c.key)} />
              <span>
                <span className="export-choice-label">{c.label}</span>
                <span className="muted small-text export-choice-hint">{c.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {fieldMsg ? (
          <div className="field-error" id="export-error" role="alert">
            {fieldMsg}
          </div>
        ) : (
          start.error && <ErrorNotice error={start.error} />
        )}
        <FieldError error={start.error} field="model" />
        <div className="row export-start">
          <button type="submit" className="primary" disabled={start.isPending}>
            Start export
          </button>
        </div>
      </form>
      <ExportList model={model} />
    </section>
  );
}

/** A model's exports, newest first: status and progress while running, then files to download. */
export function ExportList({ model, compact = false }: { model: string; compact?: boolean }) {
  const list = useExports(model);
  if (list.error) return <ErrorNotice error={list.error} title="The exports could not be listed" onRetry={() => void list.refetch()} />;
  const items = list.data?.data ?? [];
  if (!items.length) return compact ? null : <p className="muted small-text">No exports yet.</p>;
  return (
    <ul className="export-list" aria-label={`Exports of ${model}`} data-testid="export-list">
      {items.map((e) => (
        <ExportItem key={e.id} model={model} item={e} compact={compact} />
      ))}
    </ul>
  );
}

function ExportItem({ model, item: e, compact }: { model: string; item: Export; compact: boolean }) {
  const active = isActive(e);
  const cancel = useCancelExport(model);
  const [busy, setBusy] = useState<string | null>(null);
  const download = async (name: string, url: string) => {
    setBusy(name);
    try {
      await saveDownload(url, name);
    } catch (err) {
      toast(`Download failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
    } finally {
      setBusy(null);
    }
  };
  const total = e.files.reduce((n, f) => n + f.bytes, 0);
  return (
    <li className="export-item" data-testid="export-item" data-export-id={e.id} data-status={e.status}>
      <div className="row">
        <strong>{choiceLabel(e)}</strong>
        <span className={`badge ${STATUS_TONE[e.status]}`} data-testid="export-status">
          {e.status}
        </span>
        <span className="muted small-text">
          {formatDate(e.created_at)}
          {e.seconds !== null && !active ? ` · took ${formatDuration(e.seconds)}` : ''}
          {e.files.length > 0 ? ` · ${formatBytes(total)}` : ''}
        </span>
        {active && (
          <button type="button" className="small danger" style={{ marginLeft: 'auto' }} disabled={cancel.isPending} onClick={() => cancel.mutate(e.id)}>
            Cancel
          </button>
        )}
      </div>
      {active && (
        <div className="export-progress">
          <ProgressBar value={e.progress} label={`Export ${choiceLabel(e)} progress`} />
          <span className="muted small-text" data-testid="export-stage">
            {e.status === 'queued' ? 'Waiting for the export before it' : (e.stage ?? 'Starting')}
            {e.progress !== null ? ` · ${Math.round(e.progress * 100)} %` : ''}
          </span>
        </div>
      )}
      {e.error && (
        <div className="field-error" role="alert" data-testid="export-error">
          {e.error.message}
        </div>
      )}
      {e.files.length > 0 && (
        <ul className="export-files">
          {e.files.map((f) => (
            <li key={f.name} className="row">
              <span className="mono">{f.name}</span>
              <span className="muted small-text">{formatBytes(f.bytes)}</span>
              <button type="button" className="small" disabled={busy === f.name} onClick={() => void download(f.name, f.url)} aria-label={`Download ${f.name}`}>
                Download
              </button>
            </li>
          ))}
        </ul>
      )}
      {!compact && cancel.error && <ErrorNotice error={cancel.error} />}
      {!compact && <ExportEvents id={e.id} active={active} open={active || e.status === 'failed'} />}
    </li>
  );
}

function ExportEvents({ id, active, open }: { id: string; active: boolean; open: boolean }) {
  const [shown, setShown] = useState(open);
  const events = useExportEvents(id, active && shown);
  return (
    <details className="export-events" open={shown} onToggle={(ev) => setShown((ev.target as HTMLDetailsElement).open)}>
      <summary className="small-text">Events</summary>
      {shown && (
        <ol className="small-text" data-testid="export-events">
          {(events.data?.data ?? []).map((ev) => (
            <li key={ev.id} className={ev.level === 'error' ? 'status-error' : undefined}>
              <span className="muted mono">{new Date(ev.created_at * 1000).toLocaleTimeString()}</span> {ev.message}
            </li>
          ))}
          {events.data && !events.data.data.length && <li className="muted">None yet.</li>}
        </ol>
      )}
    </details>
  );
}
