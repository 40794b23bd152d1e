/**
 * Every benchmark run — on demand and after fine-tuning jobs — and the "Benchmark a model" form
 * (prefilled from ?model=<id>, e.g. from the Models view).
 */
import { Link, useSearchParams } from 'react-router';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '@/ui';
import { formatDate } from '@/lib/format';
import { BenchmarkForm } from './BenchmarkForm';
import { DeltaCell } from './MetricTable';
import { useBenchmarkRuns } from './queries';
import { formatValue, headlines, parseResults } from './results-model';
import { STATUS_TEXT, statusBadge, type BenchmarkRun } from './runs';
import './benchmarks.css';

export function BenchmarksView() {
  const [params] = useSearchParams();
  const { runs, isPending, error, refetch, truncated } = useBenchmarkRuns();
  return (
    <div className="page benchmarks">
      <PageHeader
        title="Benchmarks"
        subtitle="How good a model is, and what fine-tuning changed: LM Evaluation Harness scores and a needle-in-a-haystack test, fine-tuned next to base."
      />
      <div className="bench-layout">
        {/* Keyed by ?model=, so a new link prefills a fresh form. */}
        <BenchmarkForm key={params.get('model') ?? ''} initialModel={params.get('model')} />
        <section className="card bench-list" aria-labelledby="bench-runs-title">
          <h2 id="bench-runs-title">Runs</h2>
          {error ? (
            <ErrorNotice error={error} onRetry={refetch} title="The benchmark runs could not be loaded" />
          ) : isPending ? (
            <Spinner />
          ) : runs.length === 0 ? (
            <EmptyState title="No benchmark runs yet" actions={<Link className="button" to="/jobs/new">New fine-tuning job</Link>}>
              <p>
                Benchmark a model with the form, or fine-tune one: a job benchmarks its fine-tuned model against the base when training succeeds (unless benchmarks are
                turned off for it). Every run shows up here.
              </p>
            </EmptyState>
          ) : (
            <RunTable runs={runs} />
          )}
          {truncated && <p className="muted small">Showing the newest 100 benchmarks and the benchmarks of the newest 100 jobs.</p>}
        </section>
      </div>
    </div>
  );
}

function RunTable({ runs }: { runs: BenchmarkRun[] }) {
  return (
    <div className="table-scroll">
      <table className="table runs-table" data-testid="benchmark-runs">
        <caption className="sr-only">Benchmark runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Status</th>
            <th scope="col">Source</th>
            <th scope="col">Started</th>
            <th scope="col">Headline</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={`${r.kind}:${r.id}`} data-run={r.id}>
              <th scope="row">
                <Link to={`/benchmarks/${encodeURIComponent(r.id)}`} className="mono run-model">
                  {r.model}
                </Link>
                <div className="muted small">{r.baseModel ? <>vs base <span className="mono">{r.baseModel}</span></> : 'base model, on its own'}</div>
              </th>
              <td>
                <span className={`badge ${statusBadge(r.status)}`}>{STATUS_TEXT[r.status]}</span>
                {r.reason && <div className="muted small reason">{r.reason}</div>}
              </td>
              <td>
                {r.kind === 'job' ? (
                  <>
                    after job <Link to={`/jobs/${encodeURIComponent(r.id)}`} className="mono">{r.id}</Link>
                  </>
                ) : (
                  'on demand'
                )}
              </td>
              <td>{formatDate(r.createdAt)}</td>
              <td>
                <Headlines run={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Headlines({ run }: { run: BenchmarkRun }) {
  const p = parseResults(run.results);
  const items = p.kind === 'ok' ? headlines(p.results) : [];
  if (items.length === 0) return <span className="muted">{run.status === 'succeeded' ? 'no scores' : '—'}</span>;
  return (
    <ul className="headlines">
      {items.map((h) => (
        <li key={h.label}>
          <span className="muted">{h.label}</span> {h.kind === 'delta' ? <DeltaCell delta={h.value} v={h.verdict} /> : <span className="mono">{formatValue(h.value)}</span>}
        </li>
      ))}
    </ul>
  );
}
