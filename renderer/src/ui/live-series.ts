/**
 * The data of a live chart, columnar and growable: x ascending (training steps), one array per
 * series with null where a series has no value at that x (validation loss only every N steps).
 * Charts read the arrays in place (no copy per frame) and are told the first index that changed.
 */
export type Value = number | null;

export class LiveSeries {
  readonly x: number[] = [];
  readonly ys: Value[][];
  private readonly listeners = new Set<(from: number) => void>();

  constructor(readonly count: number) {
    this.ys = Array.from({ length: count }, () => []);
  }

  get length(): number {
    return this.x.length;
  }

  /**
   * Values at `x` (undefined = leave that series as it is). A new last x appends; an existing x
   * is updated in place (validation loss joining its step's training loss). With `restart`, an x
   * at or before the last one drops every later point first: a job resumed from a checkpoint
   * reports those steps again, and the new run is the truth.
   */
  set(x: number, values: ReadonlyArray<number | null | undefined>, restart = false): void {
    const n = this.x.length;
    let i = n === 0 || x > this.x[n - 1]! ? n : lowerBound(this.x, x);
    if (restart && i < n) {
      const cut = this.x[i] === x ? i + 1 : i;
      if (cut < n) this.truncate(cut);
      i = Math.min(i, this.x.length);
    }
    if (i === this.x.length) {
      this.x.push(x);
      for (let s = 0; s < this.count; s++) this.ys[s]!.push(clean(values[s]));
    } else if (this.x[i] === x) {
      for (let s = 0; s < this.count; s++) if (values[s] !== undefined) this.ys[s]![i] = clean(values[s]);
    } else {
      this.x.splice(i, 0, x);
      for (let s = 0; s < this.count; s++) this.ys[s]!.splice(i, 0, clean(values[s]));
    }
    this.emit(i);
  }

  /** Keeps the first `length` points. */
  truncate(length: number): void {
    if (length >= this.x.length) return;
    this.x.length = length;
    for (const y of this.ys) y.length = length;
    this.emit(length);
  }

  /** Called with the first index that changed (appends: the old length). */
  subscribe(fn: (from: number) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(from: number): void {
    for (const l of this.listeners) l(from);
  }
}

const clean = (v: number | null | undefined): Value => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** First index whose value is ≥ x (xs ascending). */
function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Exponential moving average as TensorBoard's smoothing slider draws it (debiased, so the first
 * points are not pulled towards zero), written into `out` from index `from`; nulls stay gaps and
 * do not reset the average. `weight` 0 = the raw values.
 */
export function emaInto(src: readonly Value[], out: Value[], weight: number, from = 0): void {
  let last = 0;
  let n = 0;
  // Rebuild the running state up to `from` (cheap: a pass over numbers, no allocation).
  const start = Math.min(from, src.length);
  for (let i = 0; i < start; i++) {
    const v = src[i];
    if (v === null || v === undefined) continue;
    last = last * weight + (1 - weight) * v;
    n++;
  }
  out.length = src.length;
  for (let i = start; i < src.length; i++) {
    const v = src[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = weight === 0 ? v : last / (1 - weight ** n);
  }
}

/** `src` with values ≤ 0 as gaps (a log scale cannot draw them), from index `from`. */
export function positiveInto(src: readonly Value[], out: Value[], from = 0): void {
  out.length = src.length;
  for (let i = Math.min(from, src.length); i < src.length; i++) {
    const v = src[i];
    out[i] = v !== null && v !== undefined && v > 0 ? v : null;
  }
}
