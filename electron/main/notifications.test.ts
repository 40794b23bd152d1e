import { describe, expect, it, vi } from 'vitest';
import { jobNotice, showJobNotice } from './notifications.js';

const job = { id: 'ftjob-abc', kind: 'job' as const, model: 'hone-tiny-llama', fine_tuned_model: 'ft:hone-tiny-llama:x', status: 'succeeded' as const };

describe('job notifications', () => {
  it('says what finished and where to look; no notice for a cancel', () => {
    expect(jobNotice(job)).toEqual({ title: 'Fine-tuning job succeeded', body: 'ft:hone-tiny-llama:x is ready (ftjob-abc)', route: '#/jobs/ftjob-abc' });
    expect(jobNotice({ ...job, status: 'failed', fine_tuned_model: null })).toMatchObject({ title: 'Fine-tuning job failed', route: '#/jobs/ftjob-abc' });
    expect(jobNotice({ ...job, id: 'bench-1', kind: 'benchmark', status: 'failed' })).toMatchObject({ title: 'Benchmark failed', route: '#/benchmarks/bench-1' });
    expect(jobNotice({ ...job, status: 'cancelled' })).toBeNull();
  });

  it("shows it and opens the job's page on click", () => {
    let click: (() => void) | undefined;
    const n = { on: vi.fn((_e: 'click', fn: () => void) => (click = fn)), show: vi.fn() };
    const openRoute = vi.fn();
    const create = vi.fn(() => n);
    showJobNotice(job, { create, isSupported: () => true, openRoute });
    expect(create).toHaveBeenCalledWith({ title: 'Fine-tuning job succeeded', body: 'ft:hone-tiny-llama:x is ready (ftjob-abc)' });
    expect(n.show).toHaveBeenCalled();
    click!();
    expect(openRoute).toHaveBeenCalledWith('#/jobs/ftjob-abc');
    create.mockClear();
    showJobNotice(job, { create, isSupported: () => false, openRoute });
    expect(create).not.toHaveBeenCalled();
  });
});
