/**
 * The needle-in-a-haystack grid of one model as a heatmap: a real table (x = context length or
 * number of chunks, rows = needle depth) with the score written in every cell and the cell's tint
 * growing with it, so it reads without colour too.
 */
import type { ModelLabel, NeedleCell } from '@shared/schemas/benchmarks.js';
import { formatDepth, needleMatrix, type NeedleMode } from './results-model';

export function NeedleHeatmap({ cells, mode, model, title, xLabel }: { cells: NeedleCell[]; mode: NeedleMode; model: ModelLabel; title: string; xLabel: string }) {
  const m = needleMatrix(cells, mode, model);
  if (m.xs.length === 0) return null;
  return (
    <div className="heatmap-wrap">
      <table className="heatmap" data-testid={`heatmap-${mode}-${model}`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col" className="corner">
              <span className="muted">depth ↓ · {xLabel} →</span>
            </th>
            {m.xs.map((x) => (
              <th scope="col" key={x}>
                {x}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {m.depths.map((d, i) => (
            <tr key={d}>
              <th scope="row">{formatDepth(d)}</th>
              {m.xs.map((x, j) => {
                const v = m.values[i]![j] ?? null;
                return (
                  <td
                    key={x}
                    data-x={x}
                    data-depth={d}
                    data-score={v ?? ''}
                    className={v === null ? 'heat-none' : undefined}
                    // Up to 45 % of the accent: the text stays readable on every tint, light and dark.
                    style={v === null ? undefined : { background: `color-mix(in srgb, var(--accent) ${Math.round(v * 45)}%, var(--surface))` }}
                    title={v === null ? 'not run (longer than the model allows)' : undefined}
                  >
                    {v === null ? '—' : v.toFixed(2)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
