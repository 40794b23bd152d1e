/**
 * Streaming distribution of non-negative integers in constant memory: an exact histogram for values
 * below 65,536 (256 KiB) and ~0.1 %-wide buckets above, so quantiles stay exact for every realistic
 * token or message count without keeping one number per example.
 */
import type { Distribution, Histogram } from '../schemas/validation.js';

const EXACT = 65536;

export class IntDistribution {
  private exact: Uint32Array | null = null;
  private big = new Map<number, number>();
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(value: number): void {
    const v = Math.max(0, Math.round(value));
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v < EXACT) {
      (this.exact ??= new Uint32Array(EXACT))[v]!++;
    } else {
      // Keep 10 significant bits: bounded map size whatever the input.
      const shift = Math.max(0, Math.floor(Math.log2(v)) - 10);
      const key = Math.round(v / 2 ** shift) * 2 ** shift;
      this.big.set(key, (this.big.get(key) ?? 0) + 1);
    }
  }

  /** numpy.quantile(values, q) with linear interpolation, as the OpenAI cookbook prints. */
  summary(): Distribution | null {
    if (this.count === 0) return null;
    const qs = [0.5, 0.1, 0.9];
    const ranks = new Set<number>();
    for (const q of qs) {
      const pos = q * (this.count - 1);
      ranks.add(Math.floor(pos));
      ranks.add(Math.ceil(pos));
    }
    const values = this.orderStatistics([...ranks].sort((a, b) => a - b));
    const quantile = (q: number) => {
      const pos = q * (this.count - 1);
      const lo = values.get(Math.floor(pos))!;
      const hi = values.get(Math.ceil(pos))!;
      return lo + (hi - lo) * (pos - Math.floor(pos));
    };
    return {
      min: this.min,
      max: this.max,
      mean: this.sum / this.count,
      median: quantile(0.5),
      p10: quantile(0.1),
      p90: quantile(0.9),
    };
  }

  /**
   * Counts in `bins` equal-width buckets from min to max, widths rounded to 1, 2 or 5 × 10^k so the
   * axis reads well. Bucket i holds values in [edges[i], edges[i+1]); the last one includes max.
   */
  histogram(bins = 24): Histogram | null {
    if (this.count === 0) return null;
    const span = Math.max(1, this.max - this.min + 1);
    const raw = span / bins;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const width = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((w) => w >= raw) ?? 10 * mag);
    const start = Math.floor(this.min / width) * width;
    const n = Math.max(1, Math.ceil((this.max + 1 - start) / width));
    const counts = new Array<number>(n).fill(0);
    const put = (value: number, c: number) => (counts[Math.min(n - 1, Math.floor((value - start) / width))]! += c);
    if (this.exact) for (let v = this.min; v < EXACT && v <= this.max; v++) if (this.exact[v]) put(v, this.exact[v]!);
    for (const [k, c] of this.big) put(k, c);
    return { edges: Array.from({ length: n + 1 }, (_, i) => start + i * width), counts };
  }

  /** Values at the given 0-based ranks (ascending), by one walk over the histogram. */
  private orderStatistics(ranks: number[]): Map<number, number> {
    const out = new Map<number, number>();
    let r = 0;
    let seen = 0;
    const visit = (value: number, n: number) => {
      while (r < ranks.length && ranks[r]! < seen + n) out.set(ranks[r++]!, value);
      seen += n;
    };
    if (this.exact) for (let v = 0; v < EXACT && r < ranks.length; v++) if (this.exact[v]) visit(v, this.exact[v]!);
    if (r < ranks.length) for (const k of [...this.big.keys()].sort((a, b) => a - b)) visit(k, this.big.get(k)!);
    return out;
  }
}

/** Epochs OpenAI's `n_epochs: "auto"` picks (cookbook constants, contract doc §6.1). */
export function autoEpochs(examples: number): number | null {
  if (examples <= 0) return null;
  const TARGET = 3,
    MIN_EX = 100,
    MAX_EX = 25000,
    MIN_EP = 1,
    MAX_EP = 25;
  if (examples * TARGET < MIN_EX) return Math.min(MAX_EP, Math.floor(MIN_EX / examples));
  if (examples * TARGET > MAX_EX) return Math.max(MIN_EP, Math.floor(MAX_EX / examples));
  return TARGET;
}
