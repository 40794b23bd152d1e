/**
 * One uPlot chart over columns of a LiveSeries, updated in place as points arrive: the arrays are
 * handed to uPlot as they are (no copy per frame); only a log scale (gaps for values ≤ 0) and
 * smoothing (EMA, drawn over the faint raw line) keep derived arrays, extended from the first
 * changed index. Zoom: drag to select a range, double-click (or resetZoom) to see everything;
 * while zoomed, new points do not move the view. uPlot itself is passed in (it is loaded lazily).
 */
import type uPlotType from 'uplot';
import { emaInto, positiveInto, type LiveSeries, type Value } from './live-series';

export interface PlotLine {
  label: string;
  /** A column of the LiveSeries. */
  column: number;
  color: string;
  /** Sparse values (validation loss): joined across gaps and drawn with points. */
  sparse?: boolean;
}

export interface LivePlotOptions {
  lines: PlotLine[];
  width: number;
  height: number;
  log: boolean;
  /** EMA weight, 0 (off) … 0.99. */
  smoothing: number;
  xLabel: string;
  /** Axis and grid colours (canvas has no CSS variables). */
  text: string;
  grid: string;
  format?: (v: number) => string;
  onZoom?: (zoomed: boolean) => void;
}

type UPlotCtor = typeof uPlotType;

const STEP_INCRS = [1, 2, 5].flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6].map((p) => m * p)).sort((a, b) => a - b);

/** Canvas has no color-mix(): a #rrggbb colour with alpha. */
export function withAlpha(hex: string, a: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${a})` : hex;
}

export class LivePlot {
  private readonly plot: uPlotType;
  /** Per line: what uPlot draws (the raw column, or a derived copy), and the EMA when smoothing. */
  private readonly shown: Value[][];
  private readonly smooth: Value[][];
  private readonly logged: Value[][];
  private zoomed = false;

  constructor(
    UPlot: UPlotCtor,
    host: HTMLElement,
    private readonly src: LiveSeries,
    private readonly o: LivePlotOptions,
  ) {
    const smoothing = o.smoothing > 0;
    this.logged = o.lines.map(() => []);
    this.smooth = o.lines.map(() => []);
    this.shown = o.lines.map((l, i) => (o.log ? this.logged[i]! : src.ys[l.column]!));
    const axis = { stroke: o.text, grid: { stroke: o.grid, width: 1 }, ticks: { stroke: o.grid, width: 1 } };
    const series: uPlotType.Series[] = [{ label: o.xLabel }];
    for (const l of o.lines) {
      const base = { label: l.label, spanGaps: l.sparse, points: { show: !!l.sparse, size: 5 }, value: (_u: uPlotType, v: number | null) => (v === null ? '—' : fmt(v, o.format)) };
      series.push({ ...base, stroke: smoothing ? withAlpha(l.color, 0.3) : l.color, width: smoothing ? 1 : 1.5 });
      if (smoothing) series.push({ ...base, label: `${l.label} (smoothed)`, stroke: l.color, width: 2, points: { show: false } });
    }
    this.plot = new UPlot(
      {
        width: o.width,
        height: o.height,
        series,
        scales: { x: { time: false }, y: o.log ? { distr: 3, log: 10 } : {} },
        axes: [
          // Steps are whole numbers: no ticks at 1.5.
          { ...axis, label: o.xLabel, labelSize: 18, incrs: STEP_INCRS },
          // A log axis leaves some ticks unlabelled (null).
          { ...axis, size: 64, values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : fmt(v, o.format))) },
        ],
        cursor: { drag: { x: true, y: false, setScale: true } },
        legend: { live: true },
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width > 0) this.setZoomed(true);
            },
          ],
        },
      },
      this.data(0),
      host,
    );
    this.plot.over.addEventListener('dblclick', () => this.setZoomed(false));
  }

  /** Redraws after the series changed from index `from` on (one call per animation frame). */
  update(from: number): void {
    this.plot.setData(this.data(from), !this.zoomed);
  }

  resetZoom(): void {
    this.setZoomed(false);
    this.plot.setData(this.plot.data, true);
  }

  setSize(width: number, height: number): void {
    this.plot.setSize({ width, height });
  }

  destroy(): void {
    this.plot.destroy();
  }

  get uplot(): uPlotType {
    return this.plot;
  }

  private setZoomed(z: boolean): void {
    if (this.zoomed === z) return;
    this.zoomed = z;
    this.o.onZoom?.(z);
  }

  private data(from: number): uPlotType.AlignedData {
    const out: Value[][] = [];
    this.o.lines.forEach((l, i) => {
      const raw = this.src.ys[l.column]!;
      if (this.o.log) positiveInto(raw, this.logged[i]!, from);
      const shown = this.shown[i]!;
      out.push(shown);
      if (this.o.smoothing > 0) {
        emaInto(shown, this.smooth[i]!, this.o.smoothing, from);
        out.push(this.smooth[i]!);
      }
    });
    return [this.src.x, ...out] as uPlotType.AlignedData;
  }
}

/** Axis and legend numbers: 3 significant digits, exponent for very small or large values. */
export function fmt(v: number, format?: (v: number) => string): string {
  if (format) return format(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}
