import { describe, expect, it } from 'vitest';
import { ApiError } from '@/api';
import { isRetryable, runPool, withRetry } from './retry';

describe('withRetry', () => {
  it('retries network and 5xx failures up to the limit, then gives up with the last error', async () => {
    let calls = 0;
    const err = new ApiError(503, 'busy');
    await expect(
      withRetry(async () => {
        calls++;
        throw err;
      }, { retries: 3, baseMs: 1 }),
    ).rejects.toBe(err);
    expect(calls).toBe(4);
  });
  it('returns the first success and reports each retry', async () => {
    const seen: number[] = [];
    const v = await withRetry(async (attempt) => {
      if (attempt < 2) throw ApiError.network(new Error('reset'));
      return 'ok';
    }, { retries: 3, baseMs: 1, onRetry: (n) => seen.push(n) });
    expect(v).toBe('ok');
    expect(seen).toEqual([1, 2]);
  });
  it('never retries a 4xx or a cancel', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new ApiError(400, 'bad part', 'data');
    }, { retries: 3, baseMs: 1 })).rejects.toThrow('bad part');
    expect(calls).toBe(1);
    expect(isRetryable(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isRetryable(new ApiError(429, 'slow down'))).toBe(true);
  });
  it('stops waiting when aborted during the backoff', async () => {
    const ac = new AbortController();
    const p = withRetry(async () => {
      setTimeout(() => ac.abort(), 5);
      throw new ApiError(500, 'x');
    }, { retries: 3, baseMs: 10_000, signal: ac.signal });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('runPool', () => {
  it('keeps at most N in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await runPool([30, 5, 20, 1, 10, 2, 8], 3, async (ms) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return ms * 2;
    });
    expect(out).toEqual([60, 10, 40, 2, 20, 4, 16]);
    expect(peak).toBe(3);
  });
  it('starts nothing new after a failure and rethrows it', async () => {
    const started: number[] = [];
    await expect(runPool([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, 5));
      if (n === 2) throw new Error('part 2 failed');
      return n;
    })).rejects.toThrow('part 2 failed');
    expect(started.length).toBeLessThan(6);
  });
});
