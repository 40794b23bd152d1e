import { describe, expect, it } from 'vitest';
import type { FineTuningJob } from '@shared/schemas/jobs.js';
import { actionState, type JobAction } from './job-actions';

const job = (status: FineTuningJob['status'], queue_reason: string | null = null) => ({ status, hone: { queue_reason } }) as Pick<FineTuningJob, 'status' | 'hone'>;
const enabled = (j: ReturnType<typeof job>) => (['cancel', 'pause', 'resume'] as JobAction[]).filter((a) => actionState(j, a).enabled);

describe('job actions', () => {
  it('follow the server: pause running/queued, resume paused, cancel anything not finished', () => {
    expect(enabled(job('running'))).toEqual(['cancel', 'pause']);
    expect(enabled(job('queued', 'waiting for the CPU slot'))).toEqual(['cancel', 'pause']);
    expect(enabled(job('validating_files'))).toEqual(['cancel']);
    expect(enabled(job('paused'))).toEqual(['cancel', 'resume']);
    for (const s of ['succeeded', 'failed', 'cancelled'] as const) expect(enabled(job(s))).toEqual([]);
  });

  it('every disabled action says why', () => {
    expect(actionState(job('succeeded'), 'cancel').reason).toMatch(/already succeeded/);
    expect(actionState(job('running'), 'resume').reason).toMatch(/not paused/);
    expect(actionState(job('validating_files'), 'pause').reason).toMatch(/still being checked/);
    // A pause in progress: the trainer is saving its checkpoint, resume waits for it.
    const pausing = job('paused', 'saving a checkpoint before pausing');
    expect(actionState(pausing, 'resume')).toMatchObject({ enabled: false, reason: expect.stringMatching(/saving its checkpoint/) });
    expect(actionState(pausing, 'pause').reason).toMatch(/pausing/);
    expect(actionState(job('cancelled', 'stopping the trainer'), 'cancel').reason).toMatch(/being cancelled/);
    for (const s of ['running', 'queued', 'paused', 'succeeded', 'failed', 'cancelled', 'validating_files'] as const)
      for (const a of ['cancel', 'pause', 'resume'] as const) {
        const st = actionState(job(s), a);
        expect(st.enabled === (st.reason === null), `${s}/${a}`).toBe(true);
      }
  });
});
