/**
 * Base vs fine-tuned per task and metric. A change says better/worse in words, with its sign and an
 * arrow, and is coloured by the metric's direction (perplexity down is better), never colour alone.
 */
import { formatDelta, formatValue, type MetricRow, type Verdict } from './results-model';

const ARROW = { up: '▲', down: '▼', same: '=' } as const;
const VERDICT_TEXT: Record<Verdict, string> = { better: 'better', worse: 'worse', same: 'no change' };

export function DeltaCell({ delta, v }: { delta: number | null; v: Verdict | null }) {
  if (delta === null || v === null) return <span className="muted">—</span>;
  const arrow = v === 'same' ? ARROW.same : delta > 0 ? ARROW.up : ARROW.down;
  return (
    <span className={`delta ${v}`}>
      <span aria-hidden="true">{arrow}</span> {formatDelta(delta)} <span className="delta-word">{VERDICT_TEXT[v]}</span>
    </span>
  );
}

export function MetricTable({
  rows,
  caption,
  groupLabel,
  comparison,
  model,
  baseModel,
  samples = {},
  testId,
}: {
  rows: MetricRow[];
  caption: string;
  groupLabel: string;
  comparison: boolean;
  model: string;
  baseModel: string | null;
  samples?: Record<string, number>;
  testId: string;
}) {
  return (
    <div className="table-scroll">
      <table className="table metric-table" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{groupLabel}</th>
            <th scope="col">Metric</th>
            {comparison ? (
              <>
                <th scope="col" className="num" title={baseModel ?? undefined}>
                  Base
                </th>
                <th scope="col" className="num" title={model}>
                  Fine-tuned
                </th>
                <th scope="col">Change</th>
              </>
            ) : (
              <th scope="col" className="num" title={model}>
                Score
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const first = i === 0 || rows[i - 1]!.group !== r.group;
            return (
              <tr key={r.key} data-key={r.key} className={first ? 'group-start' : undefined}>
                <th scope="row" className={first ? undefined : 'repeat'}>
                  {/* The task name on every row for screen readers; shown once per group. */}
                  <span className={first ? undefined : 'sr-only'}>{r.group}</span>
                  {first && samples[r.group] !== undefined && <div className="muted small">{samples[r.group]} documents</div>}
                </th>
                <td>
                  <span className="mono">{r.metric}</span>
                  {!r.higher && <div className="muted small">lower is better</div>}
                </td>
                {comparison ? (
                  <>
                    <td className="num" data-col="base">
                      {formatValue(r.base)}
                    </td>
                    <td className="num" data-col="fine-tuned">
                      {formatValue(r.tuned)}
                    </td>
                    <td data-col="delta">
                      <DeltaCell delta={r.delta} v={r.verdict} />
                    </td>
                  </>
                ) : (
                  <td className="num" data-col="base">
                    {formatValue(r.base)}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
