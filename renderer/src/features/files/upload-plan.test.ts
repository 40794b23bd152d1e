import { describe, expect, it } from 'vitest';
import { MAX_PART_BYTES } from '@shared/constants.js';
import { planParts, SpeedMeter, usesParts } from './upload-plan';

describe('planParts', () => {
  it('covers every byte once, in order, each part within the limit', () => {
    const size = 200 * 1000 * 1000;
    const parts = planParts(size);
    expect(parts).toHaveLength(3);
    expect(parts[0]).toEqual({ index: 0, start: 0, end: MAX_PART_BYTES });
    for (let i = 1; i < parts.length; i++) expect(parts[i]!.start).toBe(parts[i - 1]!.end);
    expect(parts.at(-1)!.end).toBe(size);
    expect(parts.every((p) => p.end - p.start <= MAX_PART_BYTES && p.end > p.start)).toBe(true);
  });
  it('an exact multiple has no empty tail; zero bytes has no parts', () => {
    expect(planParts(30, 10).map((p) => p.end - p.start)).toEqual([10, 10, 10]);
    expect(planParts(0, 10)).toEqual([]);
    expect(() => planParts(10, 0)).toThrow();
  });
  it('only files above one part take the Uploads API', () => {
    expect(usesParts(MAX_PART_BYTES)).toBe(false);
    expect(usesParts(MAX_PART_BYTES + 1)).toBe(true);
  });
});

describe('SpeedMeter', () => {
  it('is unknown until samples are apart in time, then gives bytes/s and seconds left', () => {
    const m = new SpeedMeter(3000);
    m.add(0, 0);
    expect(m.rate()).toBeNull();
    expect(m.eta(100)).toBeNull();
    m.add(1000, 1_000_000);
    expect(m.rate()).toBe(1_000_000);
    expect(m.eta(5_000_000)).toBe(4);
  });
  it('forgets samples outside the window, so a stall lowers the rate', () => {
    const m = new SpeedMeter(1000);
    m.add(0, 0);
    m.add(500, 5_000_000); // fast start
    m.add(1500, 5_000_000);
    m.add(2500, 5_100_000); // then 100 kB/s
    expect(m.rate()).toBe(100_000);
  });
});
