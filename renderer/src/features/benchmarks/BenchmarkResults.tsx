/**
 * The results of one benchmark run (on demand, or the step after a job): the LM Evaluation Harness
 * table (base, fine-tuned, change), the needle-in-a-haystack heatmaps and the seed's two plots,
 * all drawn from the stored result data. Embedded by the job page; `results` is the API's
 * untyped `job.hone.benchmark` / `Benchmark.results`, parsed here.
 */
import { useMemo, useState } from 'react';
import { api } from '@/api';
import { toast } from '@/ui';
import type { BenchmarkResults as Results } from '@shared/schemas/benchmarks.js';
import { MetricTable } from './MetricTable';
import { NeedleChart } from './NeedleChart';
import { NeedleHeatmap } from './NeedleHeatmap';
import { isComparison, lmEvalRows, needleSummaryRows, parseResults } from './results-model';
import './benchmarks.css';

export interface BenchmarkResultsProps {
  results: unknown;
  /** The model measured (a fine-tuned `ft:…` id or a base model). */
  model: string;
  /** Its base, compared with; null when the model is itself a base. */
  baseModel: string | null;
  /** The run's id (benchmark or job), for downloading its files; omit to hide them. */
  runId?: string;
}

export function BenchmarkResults({ results, model, baseModel, runId }: BenchmarkResultsProps) {
  const parsed = parseResults(results);
  if (parsed.kind === 'none') {
    return (
      <div className="notice" data-testid="benchmark-results-empty">
        No results yet: results appear when the benchmark completes.
      </div>
    );
  }
  if (parsed.kind === 'invalid') {
    return (
      <div className="notice error" role="alert">
        These results cannot be read ({parsed.reason}).
      </div>
    );
  }
  const r = parsed.results;
  if (r.status === 'running') {
    return (
      <div className="notice" data-testid="benchmark-results-running">
        <span className="spinner" aria-hidden="true" /> The benchmark is running: results appear when the benchmark completes.
      </div>
    );
  }
  if (r.status === 'skipped') {
    return (
      <div className="notice" data-testid="benchmark-results-skipped">
        Skipped: benchmarks were turned off for this run, or no suite was selected. Benchmark the model from the Benchmarks view to compare it with its base.
      </div>
    );
  }
  return <ResultsBody r={r} model={model} baseModel={baseModel} runId={runId} />;
}

function ResultsBody({ r, model, baseModel, runId }: { r: Results; model: string; baseModel: string | null; runId?: string }) {
  const comparison = isComparison(r);
  const lm = lmEvalRows(r);
  const needleRows = needleSummaryRows(r);
  const needle = r.report?.needle ?? null;
  const cells = needle?.cells ?? [];
  const errors = { ...r.report?.errors };
  for (const s of r.failed_suites) errors[s] ??= 'the suite failed; see the console';
  const labels = useMemo((): Record<string, string> => (comparison ? { 'fine-tuned': 'fine-tuned', base: 'base' } : { base: model }), [comparison, model]);
  const hasMetrics = lm.length > 0 || needleRows.length > 0;

  return (
    <div className="bench-results" data-testid="benchmark-results">
      {r.status === 'failed' && (
        <div className="notice error" role="alert">
          The benchmark failed{r.error ? `: ${r.error}` : '.'}
          {hasMetrics ? ' The results below are what it produced before that.' : ''}
        </div>
      )}
      {Object.keys(errors).length > 0 && (
        <div className="notice warn" data-testid="failed-suites">
          <div>
            <strong>Suites that failed</strong>
            <ul>
              {Object.entries(errors).map(([suite, why]) => (
                <li key={suite}>
                  <span className="mono">{suite}</span>: {why}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      <p className="muted">
        {comparison ? (
          <>
            <strong>Fine-tuned</strong> <span className="mono">{model}</span> compared with its <strong>base</strong>{' '}
            <span className="mono">{baseModel ?? 'base model'}</span>, on identical prompts.
          </>
        ) : (
          <>
            Scores of <span className="mono">{model}</span> on its own (a base model has nothing to compare with; benchmark a fine-tuned model to see the change).
          </>
        )}
      </p>

      <section aria-labelledby="bench-lm-eval">
        <h3 id="bench-lm-eval">LM Evaluation Harness</h3>
        {lm.length > 0 ? (
          <MetricTable
            rows={lm}
            caption="LM Evaluation Harness scores per task and metric"
            groupLabel="Task"
            comparison={comparison}
            model={model}
            baseModel={baseModel}
            samples={r.report?.lm_eval?.samples}
            testId="lm-eval-table"
          />
        ) : (
          <p className="muted">{errors.lm_eval ? 'No scores: the suite failed (above).' : 'Not run in this benchmark.'}</p>
        )}
      </section>

      <section aria-labelledby="bench-needle">
        <h3 id="bench-needle">Needle in a haystack</h3>
        {needleRows.length === 0 && cells.length === 0 ? (
          <p className="muted">{errors.needle ? 'No scores: the suite failed (above).' : 'Not run in this benchmark.'}</p>
        ) : (
          <>
            <p className="muted">
              A fact (the needle) is hidden in filler text at a depth from 0 % (start) to 100 % (end); the model must answer a question about it. Score:{' '}
              {needle?.scorer === 'geval' ? 'GEval correctness by the judge model (0–1)' : 'whether the answer contains the expected value (0 or 1)'}.
              {needle?.judge_error ? ` The judge failed (${needle.judge_error}), so deterministic scores were used.` : ''}
            </p>
            {needleRows.length > 0 && (
              <MetricTable rows={needleRows} caption="Needle in a haystack, overall scores" groupLabel="Suite" comparison={comparison} model={model} baseModel={baseModel} testId="needle-table" />
            )}
            {Object.values(needle?.skipped_cells ?? {}).some((n) => n > 0) && (
              <p className="muted small">
                Cells shown as — were skipped: their prompt is longer than the model’s context window.
              </p>
            )}
            {cells.length > 0 ? (
              <>
                <h4>Context length × depth</h4>
                <div className="heatmaps">
                  {(['fine-tuned', 'base'] as const).map((m) => (
                    <NeedleHeatmap key={m} cells={cells} mode="context" model={m} xLabel="context length" title={comparison ? (m === 'fine-tuned' ? 'Fine-tuned' : 'Base') : model} />
                  ))}
                </div>
                <h4>Number of chunks × needle position</h4>
                <div className="heatmaps">
                  {(['fine-tuned', 'base'] as const).map((m) => (
                    <NeedleHeatmap key={m} cells={cells} mode="chunks" model={m} xLabel="chunks" title={comparison ? (m === 'fine-tuned' ? 'Fine-tuned' : 'Base') : model} />
                  ))}
                </div>
                <div className="needle-charts">
                  <NeedleChart cells={cells} mode="context" title="Score vs context length" xLabel="context length (prompt tokens)" labels={labels} />
                  <NeedleChart cells={cells} mode="chunks" title="Score vs number of chunks" xLabel="number of retrieved chunks" labels={labels} />
                </div>
              </>
            ) : (
              <p className="muted small">This run predates the per-cell grid; only the overall scores are stored.</p>
            )}
          </>
        )}
      </section>
      {runId && Object.keys(r.artifacts).length > 0 && <ArtifactFiles runId={runId} names={Object.keys(r.artifacts)} />}
    </div>
  );
}

const ARTIFACT_TEXT: Record<string, string> = {
  results_json: 'results.json (everything)',
  comparison_csv: 'comparison.csv',
  needle_grid_csv: 'needle_grid.csv (answers per cell)',
  needle_context_plot: 'needle_context_length.png',
  needle_chunks_plot: 'needle_chunks.png',
};

function ArtifactFiles({ runId, names }: { runId: string; names: string[] }) {
  const [busy, setBusy] = useState<string | null>(null);
  const save = async (name: string) => {
    setBusy(name);
    try {
      const res = await api.raw('GET', `/v1/benchmarks/${encodeURIComponent(runId)}/artifacts/${name}`);
      const href = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = href;
      a.download = `${runId}-${(ARTIFACT_TEXT[name] ?? name).split(' ')[0]}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
    } catch (e) {
      toast(`Download failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="bench-files">
      <h3 id="bench-files">Files</h3>
      <div className="row">
        {names
          .filter((n) => n in ARTIFACT_TEXT)
          .map((n) => (
            <button key={n} type="button" className="small" onClick={() => void save(n)} disabled={busy === n}>
              {ARTIFACT_TEXT[n]}
            </button>
          ))}
      </div>
    </section>
  );
}
