import { describe, expect, it } from 'vitest';
import { IntDistribution, autoEpochs } from './distribution.js';

/** numpy.quantile with linear interpolation, on a sorted copy. */
function npQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

describe('IntDistribution', () => {
  it('matches numpy quantiles exactly for values below 65,536', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [1, 2, 3, 10, 101, 5000]) {
      const values = Array.from({ length: n }, () => Math.floor(rand() * 3000));
      const d = new IntDistribution();
      values.forEach((v) => d.add(v));
      const s = d.summary()!;
      expect(s.min).toBe(Math.min(...values));
      expect(s.max).toBe(Math.max(...values));
      expect(s.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / n, 9);
      expect(s.median).toBeCloseTo(npQuantile(values, 0.5), 9);
      expect(s.p10).toBeCloseTo(npQuantile(values, 0.1), 9);
      expect(s.p90).toBeCloseTo(npQuantile(values, 0.9), 9);
    }
  });

  it('stays within 0.1 % for huge values and keeps min/max exact', () => {
    const d = new IntDistribution();
    const values = [70000, 123456, 999999, 5_000_000, 80000];
    values.forEach((v) => d.add(v));
    const s = d.summary()!;
    expect(s.min).toBe(70000);
    expect(s.max).toBe(5_000_000);
    expect(Math.abs(s.median - 123456) / 123456).toBeLessThan(0.001);
  });

  it('is null when empty', () => {
    expect(new IntDistribution().summary()).toBeNull();
  });
});

describe('autoEpochs (OpenAI n_epochs "auto")', () => {
  it('follows the cookbook rule', () => {
    expect(autoEpochs(0)).toBeNull();
    expect(autoEpochs(1)).toBe(25);
    expect(autoEpochs(5)).toBe(20); // the cookbook's toy dataset
    expect(autoEpochs(10)).toBe(10);
    expect(autoEpochs(34)).toBe(3);
    expect(autoEpochs(8333)).toBe(3);
    expect(autoEpochs(8334)).toBe(2);
    expect(autoEpochs(100000)).toBe(1);
  });
});

describe('IntDistribution.histogram', () => {
  it('counts every value once in readable equal-width buckets, big values included', () => {
    const d = new IntDistribution();
    const values = [0, 1, 5, 17, 17, 99, 100, 250, 70_000, 123_456];
    for (const v of values) d.add(v);
    const h = d.histogram(10)!;
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    expect(h.edges.length).toBe(h.counts.length + 1);
    const width = h.edges[1]! - h.edges[0]!;
    expect(String(width)).toMatch(/^(1|2|5)0*$/);
    expect(h.edges[0]).toBeLessThanOrEqual(0);
    expect(h.edges.at(-1)).toBeGreaterThan(123_456);
    const small = new IntDistribution();
    for (const v of [3, 3, 4, 9]) small.add(v);
    const hs = small.histogram(24)!;
    expect(hs.edges.slice(0, 3)).toEqual([3, 4, 5]);
    expect(hs.counts).toEqual([2, 1, 0, 0, 0, 0, 1]);
    expect(new IntDistribution().histogram()).toBeNull();
  });
});
