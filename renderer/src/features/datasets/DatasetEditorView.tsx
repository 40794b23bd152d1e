import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '@/ui';
import { formatBytes } from '@/lib/format';
import { Editor } from './Editor';
import { useImportSample, useSamples } from './queries';

/** `/files/:fileId/edit` (`?example=N` jumps to example N, 1-based). */
export function DatasetEditorView() {
  const { fileId } = useParams();
  if (!fileId) return <EmptyState title="No file" />;
  return <Editor key={fileId} fileId={fileId} />;
}

/** `/datasets/new`: an empty in-memory dataset, or a built-in sample imported and opened. */
export function NewDatasetView() {
  const [scratch, setScratch] = useState(false);
  const samples = useSamples();
  const imp = useImportSample();
  const navigate = useNavigate();
  if (scratch) return <Editor fileId={null} />;
  return (
    <div className="page">
      <PageHeader title="New dataset" subtitle="Start a fine-tuning dataset: write examples yourself, or begin from a sample that ships with Hone and adapt it." />
      <div className="grid-2">
        <section className="card">
          <h2>Start from scratch</h2>
          <p>An empty editor: write conversations (user asks, assistant answers), choose which replies are trained, and save them as a JSON Lines file.</p>
          <button type="button" className="primary" onClick={() => setScratch(true)}>
            Start an empty dataset
          </button>
        </section>
        <section className="card">
          <h2>Start from a sample</h2>
          <p>Imports a copy of the sample as a file of yours and opens it in the editor.</p>
          {samples.isLoading && <Spinner label="Loading samples" />}
          {samples.error && <ErrorNotice error={samples.error} onRetry={() => void samples.refetch()} />}
          {imp.error && <ErrorNotice error={imp.error} title="Import failed" />}
          <ul className="sample-list">
            {samples.data?.data.map((s) => (
              <li key={s.name}>
                <div>
                  <strong>{s.name}</strong> <span className="badge">{s.format}</span>
                  <div className="muted">
                    {s.description} · {s.examples} examples · {formatBytes(s.bytes)}
                  </div>
                </div>
                <button
                  type="button"
                  disabled={imp.isPending}
                  onClick={() => imp.mutate(s.name, { onSuccess: (f) => void navigate(`/files/${f.id}/edit`) })}
                  aria-label={`Import ${s.name} and open it`}
                >
                  Import and open
                </button>
              </li>
            ))}
            {samples.data?.data.length === 0 && <li className="muted">No samples are installed.</li>}
          </ul>
        </section>
      </div>
    </div>
  );
}
