import { describe, expect, it } from 'vitest';
import { emaInto, LiveSeries, positiveInto, type Value } from './live-series';

describe('LiveSeries', () => {
  it('appends, merges a sparse value into its step, inserts out-of-order steps, and reports the first changed index', () => {
    const s = new LiveSeries(2);
    const changes: number[] = [];
    s.subscribe((from) => changes.push(from));
    s.set(1, [2.0, undefined]);
    s.set(2, [1.8, undefined]);
    s.set(2, [undefined, 1.9]); // validation loss of step 2
    s.set(4, [1.5, undefined]);
    s.set(3, [undefined, 1.6]); // an eval between logged steps
    expect(s.x).toEqual([1, 2, 3, 4]);
    expect(s.ys).toEqual([
      [2.0, 1.8, null, 1.5],
      [null, 1.9, 1.6, null],
    ]);
    expect(changes).toEqual([0, 1, 1, 2, 2]);
  });

  it('a restart at an earlier step drops the later points (a job resumed from its checkpoint)', () => {
    const s = new LiveSeries(1);
    for (let i = 1; i <= 10; i++) s.set(i, [10 - i]);
    s.set(7, [99], true);
    expect(s.x).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(s.ys[0]!.at(-1)).toBe(99);
    s.set(8, [98], true);
    expect(s.x.at(-1)).toBe(8);
  });

  it('non-finite values are gaps', () => {
    const s = new LiveSeries(1);
    s.set(1, [NaN]);
    s.set(2, [Infinity]);
    expect(s.ys[0]).toEqual([null, null]);
  });
});

describe('smoothing and log helpers', () => {
  it('EMA is debiased (first point = first value), skips gaps, 0 = raw; extending from an index matches a full pass', () => {
    const src: Value[] = [4, null, 2, 2, 8];
    const out: Value[] = [];
    emaInto(src, out, 0.5);
    expect(out[0]).toBe(4);
    expect(out[1]).toBeNull();
    // (0.5*0.5*4 + 0.5*0.5*2) / (1 - 0.25) ... the debiased mean of 4 then 2
    expect(out[2]).toBeCloseTo((0.25 * 4 + 0.5 * 2) / 0.75);
    const part: Value[] = [];
    emaInto(src.slice(0, 3), part, 0.5);
    emaInto(src, part, 0.5, 3);
    expect(part).toEqual(out);
    const raw: Value[] = [];
    emaInto(src, raw, 0);
    expect(raw).toEqual(src);
  });

  it('positive-only copy for log scales', () => {
    const out: Value[] = [];
    positiveInto([0.1, 0, -1, null, 3], out);
    expect(out).toEqual([0.1, null, null, null, 3]);
  });
});
