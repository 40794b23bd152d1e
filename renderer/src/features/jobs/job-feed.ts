/**
 * A job's event stream (`GET …/events/stream`, oldest first, id = seq) read once for the whole
 * page: metrics events become chart points (a LiveSeries), and events newer than the first page
 * of the REST event list are kept for the events table, which shows them above its pages — so a
 * finished job's history is paged from the server, and a running one's new events need no refetch.
 */
import { LiveSeries } from '@/ui';
import type { JobEvent } from '@shared/schemas/jobs.js';

/** The chart columns, in the LiveSeries. */
export const COL = { trainLoss: 0, validLoss: 1, learningRate: 2, gradNorm: 3, tokensPerSecond: 4 } as const;

const num = (v: unknown): number | null | undefined => (v === undefined ? undefined : typeof v === 'number' ? v : null);

export class JobFeed {
  readonly series = new LiveSeries(5);
  /** Events after the REST list's newest one, newest first. */
  newer: JobEvent[] = [];
  /** The last seq read (the resume point after a drop or a restart). */
  lastSeq: string | null = null;
  version = 0;
  /** The REST list's newest event: undefined until it loaded, null when the job had none. */
  private head: string | null | undefined = undefined;
  /** Events read before the head was known (the start of the replay). */
  private pending: JobEvent[] = [];
  private passedHead = false;
  private readonly listeners = new Set<(e: { checkpoint: boolean }) => void>();

  onEvent(e: JobEvent, seq: string | null): void {
    if (seq !== null) this.lastSeq = seq;
    if (e.type === 'metrics' && e.data) this.metrics(e.data);
    if (this.head === undefined) {
      this.pending.push(e);
      return;
    }
    if (!this.passedHead) {
      if (e.id === this.head) this.passedHead = true;
      return;
    }
    this.add(e);
  }

  /** The REST list's first page loaded: its newest event (or null when there was none). */
  setHead(id: string | null): void {
    if (this.head !== undefined) return;
    this.head = id;
    this.passedHead = id === null;
    const pending = this.pending;
    this.pending = [];
    for (const e of pending) {
      if (!this.passedHead) {
        if (e.id === id) this.passedHead = true;
        continue;
      }
      this.add(e);
    }
  }

  subscribe(fn: (e: { checkpoint: boolean }) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private add(e: JobEvent): void {
    this.newer.unshift(e);
    this.version++;
    const checkpoint = /^Checkpoint saved/.test(e.message) || /successfully completed/.test(e.message);
    for (const l of this.listeners) l({ checkpoint });
  }

  private metrics(d: Record<string, unknown>): void {
    const step = d.step;
    if (typeof step !== 'number') return;
    if (d.train_loss !== undefined) {
      // A step at or before the last one: the job resumed from a checkpoint and reports it again.
      this.series.set(step, [num(d.train_loss), undefined, num(d.learning_rate), num(d.grad_norm), num(d.tokens_per_second)], true);
    } else if (d.valid_loss !== undefined) {
      this.series.set(step, [undefined, num(d.valid_loss)]);
    }
  }
}
