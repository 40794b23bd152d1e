/**
 * Which of cancel, pause and resume apply to a job right now, and why not when they do not: the
 * same rules as the server (job-service.ts), said in words next to the disabled button.
 */
import type { FineTuningJob } from '@shared/schemas/jobs.js';

export type JobAction = 'pause' | 'resume' | 'cancel';

export interface ActionState {
  enabled: boolean;
  /** Why the action is off (null when it is on). */
  reason: string | null;
}

const finished = (s: FineTuningJob['status']) => s === 'succeeded' || s === 'failed' || s === 'cancelled';

export function actionState(job: Pick<FineTuningJob, 'status' | 'hone'>, action: JobAction): ActionState {
  const s = job.status;
  const on: ActionState = { enabled: true, reason: null };
  const off = (reason: string): ActionState => ({ enabled: false, reason });
  // The server still stops the trainer after a pause or cancel (queue_reason says so).
  const stopping = job.hone.queue_reason !== null && (s === 'paused' || s === 'cancelled');
  switch (action) {
    case 'cancel':
      if (s === 'cancelled') return off(stopping ? 'The job is being cancelled: the trainer is stopping.' : 'The job is already cancelled.');
      if (finished(s)) return off(`The job has already ${s === 'succeeded' ? 'succeeded' : 'failed'}; there is nothing to cancel.`);
      return on;
    case 'pause':
      if (s === 'running' || s === 'queued') return on;
      if (s === 'paused') return off(stopping ? 'The job is pausing: the trainer is saving a checkpoint.' : 'The job is already paused.');
      if (s === 'validating_files') return off('The dataset is still being checked; a job can be paused once it is queued or running.');
      return off(`The job has ${s === 'cancelled' ? 'been cancelled' : `already ${s}`}; only queued or running jobs can be paused.`);
    case 'resume':
      if (s === 'paused') return stopping ? off('The trainer is still saving its checkpoint; resume once the pause has finished.') : on;
      if (finished(s)) return off(`The job has ${s === 'cancelled' ? 'been cancelled' : `already ${s}`}; only paused jobs can be resumed.`);
      return off('The job is not paused; only paused jobs can be resumed.');
  }
}

/** Whether the job can still change (the console and charts follow it). */
export const isLive = (s: FineTuningJob['status']) => !finished(s) && s !== 'paused';
export const isFinished = finished;
