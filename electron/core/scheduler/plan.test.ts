import { describe, expect, it } from 'vitest';
import { planSchedule, type QueuedJob } from './plan.js';
import { parseNvidiaSmi } from './gpu-inventory.js';

const q = (id: string, gpus: number, seq: number, priority = 0): QueuedJob => ({ id, gpus, seq, priority });

describe('planSchedule', () => {
  it('CPU mode: one job at a time, FIFO, with a reason for each waiting job', () => {
    const plan = planSchedule({ gpus: [] }, [], [q('a', 1, 1), q('b', 1, 2), q('c', 0, 3)]);
    expect(plan.start).toEqual([{ id: 'a', gpus: [], cpu: true }]);
    expect(plan.waiting.map((w) => [w.id, w.position])).toEqual([['b', 1], ['c', 2]]);
    expect(plan.waiting[0]!.reason).toMatch(/CPU slot \(held by a\)/);
    const later = planSchedule({ gpus: [] }, [{ id: 'a', gpus: [], cpu: true }], [q('b', 1, 2)]);
    expect(later.start).toEqual([]);
  });

  it('four GPUs: jobs take the GPUs they ask for, in priority then FIFO order', () => {
    const plan = planSchedule({ gpus: [0, 1, 2, 3] }, [], [q('a', 2, 1), q('b', 1, 2), q('hi', 1, 3, 5), q('c', 2, 4)]);
    expect(plan.start).toEqual([
      { id: 'hi', gpus: [0], cpu: false },
      { id: 'a', gpus: [1, 2], cpu: false },
      { id: 'b', gpus: [3], cpu: false },
    ]);
    expect(plan.waiting).toHaveLength(1);
    expect(plan.waiting[0]).toMatchObject({ id: 'c', position: 1 });
    expect(plan.waiting[0]!.reason).toMatch(/waiting for 2 free GPU\(s\); 0 free now/);
  });

  it('skips GPUs that running jobs hold', () => {
    const plan = planSchedule({ gpus: [0, 1, 2, 3] }, [{ id: 'r', gpus: [0, 2], cpu: false }], [q('a', 2, 1)]);
    expect(plan.start).toEqual([{ id: 'a', gpus: [1, 3], cpu: false }]);
  });

  it('holds free GPUs for a blocked job ahead instead of letting small jobs starve it', () => {
    const running = [{ id: 'r', gpus: [0, 1], cpu: false }];
    const plan = planSchedule({ gpus: [0, 1, 2, 3] }, running, [q('big', 4, 1), q('small', 1, 2)]);
    expect(plan.start).toEqual([]);
    expect(plan.waiting.map((w) => w.id)).toEqual(['big', 'small']);
    expect(plan.waiting[0]!.reason).toMatch(/4 free GPU\(s\); 2 free now \(busy: r on GPU 0,1\)/);
  });

  it('a job asking for more GPUs than exist says so instead of waiting silently', () => {
    const plan = planSchedule({ gpus: [0, 1] }, [], [q('huge', 8, 1), q('ok', 1, 2)]);
    expect(plan.waiting[0]!.reason).toMatch(/needs 8 GPU\(s\) but this machine has 2/);
    expect(plan.start).toEqual([{ id: 'ok', gpus: [0], cpu: false }]);
  });

  it('GPU machines still run CPU jobs (gpus: 0) in the CPU slot', () => {
    const plan = planSchedule({ gpus: [0] }, [{ id: 'g', gpus: [0], cpu: false }], [q('cpu', 0, 1), q('g2', 1, 2)]);
    expect(plan.start).toEqual([{ id: 'cpu', gpus: [], cpu: true }]);
    expect(plan.waiting.map((w) => w.id)).toEqual(['g2']);
  });
});

describe('parseNvidiaSmi', () => {
  const csv = '0, GPU-aaa, NVIDIA H100 80GB HBM3, 81559, 1, 0\n1, GPU-bbb, NVIDIA H100 80GB HBM3, 81559, 40000, 97\n';
  it('parses the query output', () => {
    expect(parseNvidiaSmi(csv)).toEqual([
      { index: 0, uuid: 'GPU-aaa', name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: 1, utilizationPercent: 0 },
      { index: 1, uuid: 'GPU-bbb', name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: 40000, utilizationPercent: 97 },
    ]);
  });
  it('honours CUDA_VISIBLE_DEVICES by index or uuid', () => {
    expect(parseNvidiaSmi(csv, '1').map((g) => g.index)).toEqual([1]);
    expect(parseNvidiaSmi(csv, 'GPU-aaa').map((g) => g.index)).toEqual([0]);
  });
  it('tolerates [N/A] fields', () => {
    expect(parseNvidiaSmi('0, GPU-x, T4, 15360, [N/A], [N/A]')[0]).toMatchObject({ memoryUsedMiB: null, utilizationPercent: null });
  });
});

describe('serving slots (preemptible inference workers)', () => {
  const q = (id: string, gpus: number, seq: number) => ({ id, gpus, priority: 0, seq });
  it('a CPU job waits while the CPU serves, and the worker is asked to unload', () => {
    const plan = planSchedule({ gpus: [] }, [], [q('a', 0, 1)], [{ gpu: null, holder: 'hone-tiny-llama' }]);
    expect(plan.start).toEqual([]);
    expect(plan.waiting[0]!.reason).toBe('the CPU is serving hone-tiny-llama; unloading it for this job');
    expect(plan.preempt).toEqual([{ gpu: null, holder: 'hone-tiny-llama', for: 'a' }]);
  });
  it('a GPU job takes a free GPU before it preempts a serving one', () => {
    const plan = planSchedule({ gpus: [0, 1] }, [], [q('a', 1, 1), q('b', 1, 2)], [{ gpu: 0, holder: 'smollm2' }]);
    expect(plan.start).toEqual([{ id: 'a', gpus: [1], cpu: false }]);
    expect(plan.waiting).toEqual([{ id: 'b', position: 1, reason: 'GPU 0 is serving smollm2; unloading it for this job' }]);
    expect(plan.preempt).toEqual([{ gpu: 0, holder: 'smollm2', for: 'b' }]);
  });
  it('without serving slots the plan is unchanged and has no preempt list', () => {
    const plan = planSchedule({ gpus: [0] }, [], [q('a', 1, 1)], []);
    expect(plan.start).toEqual([{ id: 'a', gpus: [0], cpu: false }]);
    expect(plan.preempt).toEqual([]);
    expect(planSchedule({ gpus: [0] }, [], [q('a', 1, 1)]).preempt).toBeUndefined();
  });
});
