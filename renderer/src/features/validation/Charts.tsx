/**
 * Bar charts drawn with uPlot, loaded on first use: the token histograms of a report (examples
 * per bucket) and a distribution's quantiles (min, p10, median, mean, p90, max) where the report
 * has no histogram. The numbers are also in the table next to them (canvas is not readable by
 * screen readers).
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type uPlotType from 'uplot';
import type { Distribution, Histogram } from '@shared/schemas/validation.js';

export const QUANTILE_KEYS = ['min', 'p10', 'median', 'mean', 'p90', 'max'] as const;
const LABELS = ['min', 'p10', 'median', 'mean', 'p90', 'max'];

let uplot: Promise<typeof uPlotType> | null = null;
const loadUPlot = () =>
  (uplot ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default));

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';
/** Canvas has no color-mix(): turn a #rrggbb variable into rgba. */
function withAlpha(hex: string, a: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${a})` : hex;
}

export function QuantileChart({ dist, title }: { dist: Distribution; title: string }) {
  const ys = useMemo(() => QUANTILE_KEYS.map((k) => dist[k]), [dist]);
  const labelOf = useCallback((i: number) => LABELS[i] ?? '', []);
  return <BarChart ys={ys} labelOf={labelOf} title={title} caption={`${title}: quantiles across valid examples`} />;
}

const compact = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));

/** Examples per token bucket; the x labels are the buckets' lower edges. */
export function HistogramChart({ hist, title }: { hist: Histogram; title: string }) {
  const labelOf = useCallback((i: number) => (hist.edges[i] === undefined ? '' : compact(hist.edges[i]!)), [hist]);
  return (
    <BarChart
      ys={hist.counts}
      labelOf={labelOf}
      title={title}
      caption={`${title}: number of valid examples per bucket of ${compact(hist.edges[1]! - hist.edges[0]!)} token${hist.edges[1]! - hist.edges[0]! === 1 ? '' : 's'}`}
    />
  );
}

function BarChart({ ys, labelOf, title, caption }: { ys: number[]; labelOf: (i: number) => string; title: string; caption: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
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
      const xs = ys.map((_, i) => i);
      // At most ~8 labelled ticks, whatever the number of bars.
      const every = Math.max(1, Math.ceil(xs.length / 8));
      plot = new UPlot(
        {
          width: Math.max(240, host.current.clientWidth),
          height: 180,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [-0.6, xs.length - 0.4] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
          axes: [
            { ...axis, values: (_u, splits) => splits.map((s) => labelOf(s)), splits: () => xs.filter((x) => x % every === 0) },
            { ...axis, size: 56 },
          ],
          series: [
            {},
            {
              label: title,
              stroke: cssVar('--accent'),
              fill: withAlpha(cssVar('--accent'), 0.45),
              paths: UPlot.paths.bars!({ size: [0.6, 80] }),
              points: { show: false },
            },
          ],
        },
        [xs, ys],
        host.current,
      );
    };
    void draw();
    const redraw = () => void draw();
    dark.addEventListener('change', redraw);
    // Follow the column's width (window resizes, sidebar changes).
    const resize = new ResizeObserver(([e]) => {
      if (plot && e) plot.setSize({ width: Math.max(240, Math.floor(e.contentRect.width)), height: 180 });
    });
    if (host.current) resize.observe(host.current);
    return () => {
      cancelled = true;
      resize.disconnect();
      dark.removeEventListener('change', redraw);
      plot?.destroy();
    };
  }, [ys, labelOf, title]);
  return (
    <figure className="quantile-chart">
      <div ref={host} aria-hidden="true" />
      <figcaption className="muted">{caption}</figcaption>
    </figure>
  );
}
