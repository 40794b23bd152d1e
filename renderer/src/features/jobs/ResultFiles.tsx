/** The job's result files (OpenAI's step metrics CSV), each downloadable. */
import { saveDownload, toast } from '@/ui';
import { formatBytes } from '@/lib/format';
import { useFile } from './queries';

export function ResultFiles({ ids }: { ids: string[] }) {
  return (
    <section className="card" aria-labelledby="job-results-title">
      <h2 id="job-results-title">Result files</h2>
      {ids.length === 0 ? (
        <p className="muted">Written when training completes: the metrics of every step as CSV.</p>
      ) : (
        <ul className="result-files">
          {ids.map((id) => (
            <ResultFile key={id} id={id} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ResultFile({ id }: { id: string }) {
  const f = useFile(id);
  const name = f.data?.filename ?? id;
  const download = async () => {
    try {
      await saveDownload(`/v1/files/${encodeURIComponent(id)}/content`, name);
    } catch (e) {
      toast(`Download failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };
  return (
    <li className="row">
      <span className="mono small-text result-name">{name}</span>
      {f.data && <span className="muted small-text">{formatBytes(f.data.bytes)}</span>}
      <button type="button" className="small" onClick={() => void download()} aria-label={`Download ${name}`}>
        Download
      </button>
    </li>
  );
}
