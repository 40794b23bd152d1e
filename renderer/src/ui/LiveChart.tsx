/**
 * A live line chart (uPlot, loaded on first use) over columns of a LiveSeries: new points are
 * drawn once per animation frame however fast they arrive, drag to zoom, double-click or "Reset
 * zoom" to see all, a log-scale switch, and EMA smoothing from the caller. The caption states the
 * latest values in words (a canvas is not readable by screen readers); `data-points` on the figure
 * says how many points it holds (tests and benches read it).
 */
import { useEffect, useId, useRef, useState } from 'react';
import type uPlotType from 'uplot';
import type { LiveSeries } from './live-series';
import { fmt, LivePlot, type PlotLine } from './live-plot';
import './live-chart.css';

let uplot: Promise<typeof uPlotType> | null = null;
const loadUPlot = () => (uplot ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => m.default));
/** Starts loading uPlot early (a view that will show charts, while its data is still on the way). */
export const preloadLiveChart = (): void => void loadUPlot();

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888888';

export interface LiveChartLine {
  label: string;
  column: number;
  /** A CSS variable of styles.css, e.g. '--accent'. */
  colorVar: string;
  sparse?: boolean;
}

export interface LiveChartProps {
  title: string;
  series: LiveSeries;
  lines: LiveChartLine[];
  xLabel?: string;
  /** EMA weight 0…0.99 (0 = raw). */
  smoothing?: number;
  /** Start on a log scale (losses). */
  defaultLog?: boolean;
  height?: number;
  format?: (v: number) => string;
  testId?: string;
}

export function LiveChart({ title, series, lines, xLabel = 'step', smoothing = 0, defaultLog = false, height = 200, format, testId }: LiveChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const caption = useRef<HTMLSpanElement>(null);
  const plotRef = useRef<LivePlot | null>(null);
  const [log, setLog] = useState(defaultLog);
  const [zoomed, setZoomed] = useState(false);
  const [scheme, setScheme] = useState(0);
  const logId = useId();
  // The lines' identity changes on every render of the caller; what matters is their content.
  const linesKey = JSON.stringify(lines);

  useEffect(() => {
    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    const redraw = () => setScheme((n) => n + 1);
    dark.addEventListener('change', redraw);
    return () => dark.removeEventListener('change', redraw);
  }, []);

  useEffect(() => {
    let cancelled = false;
    let frame = 0;
    let dirty = Infinity;
    let unsubscribe = () => {};
    let resize: ResizeObserver | null = null;
    const parsed = JSON.parse(linesKey) as LiveChartLine[];
    const describe = () => {
      const n = series.length;
      figure.current?.setAttribute('data-points', String(n));
      if (!caption.current) return;
      if (n === 0) {
        caption.current.textContent = 'No points yet: they appear as the trainer reports them.';
        return;
      }
      const parts = parsed.map((l) => {
        const ys = series.ys[l.column]!;
        for (let i = ys.length - 1; i >= 0; i--) if (ys[i] !== null) return `${l.label} ${fmt(ys[i]!, format)} at ${xLabel} ${series.x[i]}`;
        return `${l.label} none yet`;
      });
      caption.current.textContent = `Latest: ${parts.join('; ')}.`;
    };
    describe();
    void loadUPlot().then((UPlot) => {
      if (cancelled || !host.current) return;
      const lineOpts: PlotLine[] = parsed.map((l) => ({ label: l.label, column: l.column, sparse: l.sparse, color: cssVar(l.colorVar) }));
      const plot = new LivePlot(UPlot, host.current, series, {
        lines: lineOpts,
        width: Math.max(240, host.current.clientWidth),
        height,
        log,
        smoothing,
        xLabel,
        text: cssVar('--text-2'),
        grid: cssVar('--border'),
        format,
        onZoom: setZoomed,
      });
      plotRef.current = plot;
      // Points arriving within one frame are drawn together.
      unsubscribe = series.subscribe((from) => {
        dirty = Math.min(dirty, from);
        frame ||= requestAnimationFrame(() => {
          frame = 0;
          plot.update(dirty);
          dirty = Infinity;
          describe();
        });
      });
      plot.update(0);
      describe();
      resize = new ResizeObserver(([e]) => {
        if (e) plot.setSize(Math.max(240, Math.floor(e.contentRect.width)), height);
      });
      resize.observe(host.current);
    });
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      unsubscribe();
      resize?.disconnect();
      plotRef.current?.destroy();
      plotRef.current = null;
      setZoomed(false);
    };
  }, [series, linesKey, log, smoothing, height, xLabel, format, scheme]);

  return (
    <figure className="live-chart" ref={figure} data-testid={testId} data-points={0}>
      <div className="live-chart-head">
        <h3>{title}</h3>
        <label className="live-chart-log" htmlFor={logId}>
          <input id={logId} type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
        <button type="button" className="small" onClick={() => plotRef.current?.resetZoom()} disabled={!zoomed} title="Or double-click the chart">
          Reset zoom
        </button>
      </div>
      <div ref={host} className="live-chart-plot" aria-hidden="true" />
      <figcaption className="muted">
        <span ref={caption} /> Drag across the chart to zoom in.
      </figcaption>
    </figure>
  );
}
