/** Checkpoints the trainer saved, newest first, with the metrics at each. */
import { ErrorNotice, Spinner } from '@/ui';
import { formatDate } from '@/lib/format';
import { useCheckpoints } from './queries';

const metric = (v: number | null) => (v === null ? '—' : Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4));

export function CheckpointsPanel({ jobId }: { jobId: string }) {
  const q = useCheckpoints(jobId);
  const rows = q.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section className="card" aria-labelledby="job-ckpt-title">
      <h2 id="job-ckpt-title">Checkpoints</h2>
      {q.error ? (
        <ErrorNotice error={q.error} onRetry={() => void q.refetch()} />
      ) : q.isPending ? (
        <Spinner label="Loading checkpoints" />
      ) : rows.length === 0 ? (
        <p className="muted">None yet: the trainer saves one at intervals, when paused and at the end.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="job-checkpoints">
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Metrics</th>
                <th scope="col">Saved</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td className="mono">{c.step_number}</td>
                  <td className="small-text">
                    {Object.entries(c.metrics).length === 0
                      ? '—'
                      : Object.entries(c.metrics).map(([k, v]) => (
                          <span key={k} className="ckpt-metric">
                            {k.replace(/_/g, ' ')} <span className="mono">{metric(v)}</span>
                          </span>
                        ))}
                    <div className="mono muted ckpt-id" title="Checkpoint model id">
                      {c.fine_tuned_model_checkpoint}
                    </div>
                  </td>
                  <td className="small-text nowrap">{formatDate(c.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {q.hasNextPage && (
            <button type="button" className="small" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
              Show older checkpoints
            </button>
          )}
        </div>
      )}
    </section>
  );
}
