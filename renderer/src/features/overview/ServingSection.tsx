/**
 * The models loaded for chat (the Playground and /v1/chat/completions): which base each worker
 * holds, on which GPU or the CPU slot, its adapters and state. The workers come with the system
 * status (kept fresh by the live stream: the Overview never polls); /v1/hone/serving is read once
 * for the idle-unload setting.
 */
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { ServingStatus, type ServingWorker } from '@shared/schemas/chat.js';
import { api, keys } from '@/api';
import { formatDuration } from '@/lib/format';

const STATE_TEXT: Record<string, string> = { starting: 'Loading', idle: 'Idle', generating: 'Answering', unloading: 'Unloading' };

export function ServingSection({ live }: { live: ServingWorker[] | undefined }) {
  const q = useQuery({ queryKey: keys.serving, queryFn: ({ signal }) => api.get('/v1/hone/serving', ServingStatus, { signal }), retry: false, staleTime: Infinity });
  // An older core without serving: the section stays out.
  if (q.error || !q.data) return null;
  const workers = live ?? q.data.data;
  return (
    <section aria-labelledby="ov-serving" className="ov-section" data-testid="serving-section">
      <div className="ov-section-head">
        <h2 id="ov-serving">Loaded for chat</h2>
        <Link to="/playground">Playground</Link>
      </div>
      {workers.length === 0 ? (
        <p className="muted">
          No model is loaded. The Playground and <span className="mono">/v1/chat/completions</span> load a base model on first use (its fine-tuned adapters join it) and unload it after{' '}
          {formatDuration(q.data.idle_unload_s)} idle; a queued training job takes the slot back.
        </p>
      ) : (
        <div className="card ov-table-card">
          <table className="table">
            <caption className="sr-only">Inference workers</caption>
            <thead>
              <tr>
                <th scope="col">Base model</th>
                <th scope="col">Engine</th>
                <th scope="col">Holds</th>
                <th scope="col">Adapters</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr key={`${w.engine}:${w.base_model}:${w.device}`} data-testid="serving-worker">
                  <td className="mono ov-model">{w.base_model}</td>
                  <td>{w.engine}</td>
                  <td>{w.gpu === null ? 'CPU slot' : `GPU ${w.gpu}`}</td>
                  <td className="mono small-text">{w.adapters.length ? w.adapters.join(', ') : <span className="muted">none</span>}</td>
                  <td>
                    {STATE_TEXT[w.state] ?? w.state}
                    {w.state === 'idle' && w.idle_s !== null ? <span className="muted"> · {formatDuration(w.idle_s)}</span> : null}
                    {w.preempted_by && <div className="small-text ov-warn">Making room for {w.preempted_by}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
