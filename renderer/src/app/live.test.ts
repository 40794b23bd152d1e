import { describe, expect, it, vi } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { keys } from '@/api/keys';
import { applyJob, patchList, throttle } from './live';

const job = (id: string, status: FineTuningJob['status'], step: number | null = null) =>
  ({ id, object: 'fine_tuning.job', status, hone: { step } }) as unknown as FineTuningJob;

describe('patchList', () => {
  it('replaces the job in a plain list and in an infinite one, and says what it replaced', () => {
    const plain = { object: 'list', data: [job('a', 'running', 1), job('b', 'queued')], has_more: false };
    const r = patchList(plain, job('a', 'running', 2));
    expect(r.before).toMatchObject({ id: 'a', hone: { step: 1 } });
    expect((r.next as typeof plain).data.map((j) => j.hone.step)).toEqual([2, null]);
    expect(plain.data[0]!.hone.step).toBe(1); // not mutated: React Query sees a new object

    const infinite = { pages: [{ data: [job('x', 'queued')] }, { data: [job('a', 'running', 1)] }], pageParams: [null, 'x'] };
    const i = patchList(infinite, job('a', 'succeeded', 9));
    expect(i.before).toMatchObject({ status: 'running' });
    expect((i.next as typeof infinite).pages[1]!.data[0]!.status).toBe('succeeded');
    expect((i.next as typeof infinite).pageParams).toEqual([null, 'x']);
  });

  it('leaves a list without the job (or anything else) alone', () => {
    const plain = { data: [job('b', 'queued')] };
    expect(patchList(plain, job('a', 'running'))).toEqual({ next: plain, before: null });
    expect(patchList(undefined, job('a', 'running')).before).toBeNull();
  });
});

describe('throttle', () => {
  it('runs the first call at once and folds later ones into one per window', () => {
    vi.useFakeTimers();
    try {
      const fn = vi.fn();
      const t = throttle(fn, 1_000);
      t.run();
      expect(fn).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 10; i++) t.run();
      expect(fn).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1_000);
      expect(fn).toHaveBeenCalledTimes(2);
      t.run();
      t.cancel();
      vi.advanceTimersByTime(5_000);
      expect(fn).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('applyJob', () => {
  it('writes the detail, patches cached lists in place, refetches lists only for a new job or a status change', () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.jobs.list({ limit: 5 }), { data: [job('a', 'running', 1)] });
    qc.setQueryData(keys.jobs.list({ status: 'running' }), { data: [job('a', 'running', 1)] });
    const refresh = vi.fn();
    const seen = new Set<string>();

    applyJob(qc, { kind: 'job', job: job('a', 'running', 5) }, refresh, seen);
    expect(qc.getQueryData(keys.jobs.detail('a'))).toMatchObject({ hone: { step: 5 } });
    expect(qc.getQueryData<{ data: FineTuningJob[] }>(keys.jobs.list({ limit: 5 }))!.data[0]!.hone.step).toBe(5);
    expect(qc.getQueryData<{ data: FineTuningJob[] }>(keys.jobs.list({ status: 'running' }))!.data[0]!.hone.step).toBe(5);
    expect(refresh).not.toHaveBeenCalled(); // steady progress: no request

    applyJob(qc, { kind: 'job', job: job('a', 'succeeded', 9) }, refresh, seen);
    expect(refresh).toHaveBeenCalledTimes(1); // a status filter may now drop or include it

    applyJob(qc, { kind: 'job', job: job('new', 'validating_files') }, refresh, seen);
    applyJob(qc, { kind: 'job', job: job('new', 'validating_files') }, refresh, seen);
    expect(refresh).toHaveBeenCalledTimes(2); // a new job once, not on every update

    applyJob(qc, { kind: 'benchmark', job: { id: 'bench-1', object: 'benchmark', status: 'running' } as never }, refresh, seen);
    expect(qc.getQueryData(keys.benchmarks.detail('bench-1'))).toMatchObject({ object: 'benchmark' });
    expect(qc.getQueryData(keys.jobs.detail('bench-1'))).toBeUndefined();
  });
});
