import { Link } from 'react-router';
import type { SystemStatus } from '@shared/schemas/system.js';
import { jobPath } from './links';

/** The jobs waiting for a slot, in the order they will start, each with why it waits. */
export function QueueSection({ status }: { status: SystemStatus | undefined }) {
  const queue = status?.gpus.queue ?? [];
  return (
    <section aria-labelledby="ov-queue" className="ov-section">
      <h2 id="ov-queue">Queue</h2>
      {!status ? (
        <p className="muted">…</p>
      ) : queue.length === 0 ? (
        <p className="muted" data-testid="queue-empty">
          Nothing is waiting. A new job starts as soon as {status.gpus.mode === 'cpu' ? 'the CPU slot' : 'a GPU'} is free.
        </p>
      ) : (
        <div className="card ov-table-card">
          <table className="table" data-testid="queue">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Job</th>
                <th scope="col">Needs</th>
                <th scope="col">Why it waits</th>
              </tr>
            </thead>
            <tbody>
              {queue.map((q) => (
                <tr key={q.job_id}>
                  <td>{q.position}</td>
                  <td>
                    <Link to={jobPath(q.job_id)} className="mono">
                      {q.job_id}
                    </Link>
                  </td>
                  <td>{q.gpus === 0 || status.gpus.mode === 'cpu' ? 'CPU' : `${q.gpus} GPU${q.gpus === 1 ? '' : 's'}`}</td>
                  <td>{q.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
