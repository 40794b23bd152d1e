import { useEffect, useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { UploadPurpose, type OpenAIFile } from '@shared/schemas/files.js';
import { ConfirmDialog, EmptyState, ErrorNotice, FieldError, PageHeader, Spinner, toast } from '@/ui';
import { formatBytes } from '@/lib/format';
import { useDeleteFile, useFileList, useImportSample, useSamples } from './file-queries';
import { pageCount } from './list-params';
import { useFilesView } from './view-store';
import { useUploads } from './upload-store';
import { downloadFile } from './download';
import { FilePicker } from './FilePicker';
import { UploadQueue } from './UploadQueue';
import { FileTable } from './FileTable';
import './files.css';

/** Upload datasets (drop or pick), then find, download, delete or open them. */
export function FilesView() {
  const view = useFilesView();
  const addUploads = useUploads((s) => s.add);
  const finished = useUploads((s) => s.finished);
  const qc = useQueryClient();
  const list = useFileList(view);
  const [search, setSearch] = useState(view.q);
  const [dragging, setDragging] = useState(false);
  const [toDelete, setToDelete] = useState<OpenAIFile | null>(null);
  const del = useDeleteFile();

  // Debounced: the server searches, so one request per pause in typing, not per key.
  useEffect(() => {
    if (search === view.q) return;
    const t = setTimeout(() => view.set({ q: search, page: 0 }), 250);
    return () => clearTimeout(t);
  }, [search, view]);

  // A finished upload (also one that finished while this view was not shown) refreshes the list.
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: ['files', 'list'] });
  }, [finished, qc]);

  // A page that emptied (its last file deleted) falls back to the last real page.
  const total = list.data?.total ?? 0;
  useEffect(() => {
    if (list.data && list.data.data.length === 0 && view.page > 0) view.set({ page: pageCount(total) - 1 });
  }, [list.data, total, view]);

  const upload = (files: File[]) => addUploads(files, view.purposeForUpload);
  const filtered = view.q.trim() !== '' || view.purpose !== '';
  const empty = list.data && total === 0 && !filtered;

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    if (files.length) upload(files);
  };
  const onDownload = (f: OpenAIFile) => {
    downloadFile(f).catch((e: unknown) => toast(`Download of ${f.filename} failed: ${e instanceof Error ? e.message : String(e)}`, 'error'));
  };

  return (
    <div
      className={`page files-page${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <PageHeader
        title="Files"
        subtitle="Your datasets for fine-tuning and validation. Upload JSONL files with the button or drop them anywhere on this page."
        actions={
          <>
            <label className="inline-field">
              <span>Upload purpose</span>
              <select value={view.purposeForUpload} onChange={(e) => view.set({ purposeForUpload: e.target.value })}>
                {UploadPurpose.options.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <FilePicker onFiles={upload} primary label="Upload files…" />
          </>
        }
      />
      {dragging && (
        <div className="drop-hint" aria-hidden="true">
          Drop files to upload them as “{view.purposeForUpload}”
        </div>
      )}
      <UploadQueue />

      {empty ? (
        <EmptyFiles onFiles={upload} />
      ) : (
        <section className="card" aria-label="File list">
          <div className="row files-toolbar">
            <label className="inline-field">
              <span>Search</span>
              <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name or id" maxLength={256} aria-describedby="files-q-error" />
            </label>
            <label className="inline-field">
              <span>Purpose</span>
              <select value={view.purpose} onChange={(e) => view.set({ purpose: e.target.value, page: 0 })}>
                <option value="">All purposes</option>
                {UploadPurpose.options.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            {list.isFetching && <Spinner label="Loading" />}
          </div>
          <FieldError error={list.error} field="q" id="files-q-error" />
          {list.error && !list.data ? (
            <ErrorNotice error={list.error} title="The file list could not be loaded" onRetry={() => void list.refetch()} />
          ) : list.error ? (
            <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
          ) : null}
          {!list.data && !list.error && <Spinner label="Loading files" />}
          {list.data && total === 0 && (
            <EmptyState title="No files match" actions={<button type="button" onClick={() => { setSearch(''); view.set({ q: '', purpose: '', page: 0 }); }}>Clear search and filter</button>}>
              Nothing is named or numbered like “{view.q}”{view.purpose ? ` with purpose ${view.purpose}` : ''}.
            </EmptyState>
          )}
          {list.data && total > 0 && <FileTable list={list.data} fetching={list.isFetching} onDelete={setToDelete} onDownload={onDownload} />}
        </section>
      )}

      <ConfirmDialog
        open={toDelete !== null}
        title={toDelete ? `Delete ${toDelete.filename}?` : 'Delete file?'}
        confirmLabel="Delete"
        danger
        busy={del.isPending}
        onCancel={() => {
          del.reset();
          setToDelete(null);
        }}
        onConfirm={() => {
          if (!toDelete) return;
          const f = toDelete;
          del.mutate(f.id, {
            onSuccess: () => {
              toast(`Deleted ${f.filename}`);
              setToDelete(null);
            },
          });
        }}
      >
        {toDelete && (
          <p>
            This removes <span className="mono">{toDelete.id}</span> ({formatBytes(toDelete.bytes)}) and its content from this machine. It cannot be undone.
          </p>
        )}
        {del.error && <ErrorNotice error={del.error} />}
      </ConfirmDialog>
    </div>
  );
}

/** No files at all: the three ways to start. */
function EmptyFiles({ onFiles }: { onFiles: (files: File[]) => void }) {
  const samples = useSamples(true);
  const imp = useImportSample();
  const sample = samples.data?.data.find((s) => s.format === 'chat') ?? samples.data?.data[0];
  return (
    <section className="card">
      <EmptyState
        title="No files yet"
        actions={
          <>
            <FilePicker onFiles={onFiles} primary label="Choose JSONL files…" />
            {sample && (
              <button type="button" onClick={() => imp.mutate(sample.name, { onSuccess: (f) => toast(`Imported ${f.filename}`) })} disabled={imp.isPending}>
                {imp.isPending ? 'Importing…' : `Import the sample (${sample.name})`}
              </button>
            )}
            <Link className="button" to="/datasets/new">
              Write a new dataset
            </Link>
          </>
        }
      >
        <p>Upload a JSONL dataset, or start from the sample.</p>
        {sample && <p className="muted">The sample: {sample.description}.</p>}
      </EmptyState>
      {samples.error && <ErrorNotice error={samples.error} title="The samples could not be listed" onRetry={() => void samples.refetch()} />}
      {imp.error && <ErrorNotice error={imp.error} title="The sample could not be imported" />}
    </section>
  );
}
