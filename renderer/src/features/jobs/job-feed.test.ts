import { describe, expect, it } from 'vitest';
import type { JobEvent } from '@shared/schemas/jobs.js';
import { COL, JobFeed } from './job-feed';

let n = 0;
const ev = (message: string, data: Record<string, unknown> | null = null, type: JobEvent['type'] = 'message'): JobEvent => ({
  id: `ftevent-${++n}`,
  object: 'fine_tuning.job.event',
  created_at: 1,
  level: 'info',
  message,
  type,
  data,
});
const step = (s: number, loss: number) => ev(`Step ${s}`, { step: s, train_loss: loss, learning_rate: 1e-4, grad_norm: 2, tokens_per_second: 100 }, 'metrics');

describe('JobFeed', () => {
  it('turns metrics into chart points and keeps only events newer than the REST head', () => {
    const f = new JobFeed();
    const created = ev('Created fine-tuning job');
    const s1 = step(1, 2.5);
    f.onEvent(created, '1');
    f.onEvent(s1, '2');
    f.setHead(s1.id); // the REST page's newest event: everything so far is in it
    const s2 = step(2, 2.1);
    const valid = ev('Step 2: validation loss', { step: 2, valid_loss: 2.2 }, 'metrics');
    f.onEvent(s2, '3');
    f.onEvent(valid, '4');
    expect(f.newer.map((e) => e.id)).toEqual([valid.id, s2.id]);
    expect(f.series.x).toEqual([1, 2]);
    expect(f.series.ys[COL.trainLoss]).toEqual([2.5, 2.1]);
    expect(f.series.ys[COL.validLoss]).toEqual([null, 2.2]);
    expect(f.lastSeq).toBe('4');
  });

  it('a head the stream has not reached yet: later events count only after it passes', () => {
    const f = new JobFeed();
    const a = ev('a');
    const b = ev('b');
    const c = ev('c');
    f.setHead(b.id);
    f.onEvent(a, '1');
    f.onEvent(b, '2');
    f.onEvent(c, '3');
    expect(f.newer.map((e) => e.message)).toEqual(['c']);
  });

  it('a job without events at load: every streamed event is new; checkpoints are announced', () => {
    const f = new JobFeed();
    const seen: boolean[] = [];
    f.subscribe((e) => seen.push(e.checkpoint));
    f.setHead(null);
    f.onEvent(ev('Created'), '1');
    f.onEvent(ev('Checkpoint saved at step 5 (interval)'), '2');
    expect(f.newer).toHaveLength(2);
    expect(seen).toEqual([false, true]);
  });
});
