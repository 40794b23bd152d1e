/**
 * The seed's two needle plots drawn with uPlot from the result data: score vs context length and
 * score vs number of chunks, fine-tuned (solid) and base (dashed) overlaid, with a legend. The same
 * numbers are in a table under the chart (canvas is not readable by screen readers).
 */
import { useEffect, useRef } from 'react';
import type uPlotType from 'uplot';
import type { NeedleCell } from '@shared/schemas/benchmarks.js';
import { formatValue, needleSeries, type NeedleMode } from './results-model';

let uplot: Promise<typeof uPlotType> | null = null;
const loadUPlot = () => (uplot ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default));
const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';

const HEIGHT = 220;

export function NeedleChart({ cells, mode, title, xLabel, labels }: { cells: NeedleCell[]; mode: NeedleMode; title: string; xLabel: string; labels: Record<string, string> }) {
  const host = useRef<HTMLDivElement>(null);
  const data = needleSeries(cells, mode);
  const key = JSON.stringify(data);
  useEffect(() => {
    const { xs, series } = JSON.parse(key) as ReturnType<typeof needleSeries>;
    let plot: uPlotType | null = null;
    let cancelled = false;
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    const draw = async () => {
      const UPlot = await loadUPlot();
      if (cancelled || !host.current) return;
      plot?.destroy();
      const text = cssVar('--text-2');
      const grid = cssVar('--border');
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      const colors: Record<string, string> = { 'fine-tuned': cssVar('--accent'), base: cssVar('--muted') };
      const pad = xs.length > 1 ? (xs[xs.length - 1]! - xs[0]!) * 0.05 : 1;
      plot = new UPlot(
        {
          width: Math.max(260, host.current.clientWidth),
          height: HEIGHT,
          legend: { show: true, live: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: false, range: () => [xs[0]! - pad, xs[xs.length - 1]! + pad] }, y: { range: [-0.05, 1.05] } },
          axes: [
            // Ticks at the grid's own values (no fractional chunk counts).
            { ...axis, label: xLabel, labelSize: 20, splits: () => xs, values: (_u, splits) => splits.map((s) => String(s)) },
            { ...axis, label: 'score', labelSize: 20, size: 48, splits: () => [0, 0.25, 0.5, 0.75, 1] },
          ],
          series: [
            {},
            ...series.map((s) => ({
              label: labels[s.model] ?? s.model,
              stroke: colors[s.model],
              width: 2,
              dash: s.model === 'base' ? [6, 4] : undefined,
              points: { show: true, size: 7, fill: colors[s.model] },
              spanGaps: true,
            })),
          ],
        },
        [xs, ...series.map((s) => s.ys)] as uPlotType.AlignedData,
        host.current,
      );
    };
    void draw();
    const redraw = () => void draw();
    dark.addEventListener('change', redraw);
    const resize = new ResizeObserver(([e]) => {
      if (plot && e) plot.setSize({ width: Math.max(260, Math.floor(e.contentRect.width)), height: HEIGHT });
    });
    if (host.current) resize.observe(host.current);
    return () => {
      cancelled = true;
      resize.disconnect();
      dark.removeEventListener('change', redraw);
      plot?.destroy();
    };
  }, [key, xLabel, labels]);

  if (data.xs.length === 0) return null;
  return (
    <figure className="needle-chart" data-testid={`needle-chart-${mode}`}>
      <figcaption>
        <h4>{title}</h4>
        <span className="muted">Mean score over needle depths; the base model is dashed.</span>
      </figcaption>
      <div ref={host} className="needle-chart-plot" aria-hidden="true" />
      <details>
        <summary>Numbers</summary>
        <table className="table compact" data-testid={`needle-series-${mode}`}>
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel}</th>
              {data.series.map((s) => (
                <th scope="col" key={s.model}>
                  {labels[s.model] ?? s.model}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.xs.map((x, i) => (
              <tr key={x}>
                <th scope="row">{x}</th>
                {data.series.map((s) => (
                  <td key={s.model} className="num" data-model={s.model} data-x={x}>
                    {formatValue(s.ys[i] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
