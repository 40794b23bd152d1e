/**
 * Desktop notifications when a job or benchmark succeeds or fails (a cancel was the user's own
 * doing: no notice). Clicking one opens the job's page in the window.
 */
import type { JobEnded } from '../shared/schemas/desktop.js';

export interface Notice {
  title: string;
  body: string;
  /** The renderer route to open on click (hash router). */
  route: string;
}

export function jobNotice(j: JobEnded): Notice | null {
  if (j.status === 'cancelled') return null;
  if (j.kind === 'benchmark') {
    return { title: j.status === 'succeeded' ? 'Benchmark finished' : 'Benchmark failed', body: `${j.model} (${j.id})`, route: `#/benchmarks/${j.id}` };
  }
  if (j.status === 'succeeded') return { title: 'Fine-tuning job succeeded', body: `${j.fine_tuned_model ?? j.model} is ready (${j.id})`, route: `#/jobs/${j.id}` };
  return { title: 'Fine-tuning job failed', body: `${j.model} (${j.id}): open it to see why`, route: `#/jobs/${j.id}` };
}

/** The part of Electron's Notification this needs. */
export interface NotificationLike {
  on(event: 'click', fn: () => void): unknown;
  show(): void;
}

export function showJobNotice(
  j: JobEnded,
  deps: { create(opts: { title: string; body: string }): NotificationLike; isSupported(): boolean; openRoute(route: string): void },
): Notice | null {
  const n = jobNotice(j);
  if (!n || !deps.isSupported()) return n;
  const notification = deps.create({ title: n.title, body: n.body });
  notification.on('click', () => deps.openRoute(n.route));
  notification.show();
  return n;
}
