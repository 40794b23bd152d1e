/**
 * What the tray shows for a queue summary: a tooltip ("2 running · 3 queued") and the menu as
 * plain data (index.ts turns it into an Electron Menu), so it is tested without Electron.
 */
import type { QueueSummary } from '../shared/schemas/desktop.js';

export type TrayAction = { kind: 'open' } | { kind: 'open-job'; id: string } | { kind: 'quit' };

export type TrayItem = { type: 'separator' } | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction };

export interface TrayModel {
  tooltip: string;
  items: TrayItem[];
}

/** Jobs listed in the menu; more are summarised in one line. */
export const MAX_TRAY_JOBS = 8;

export function queueLine(s: QueueSummary): string {
  if (s.running === 0 && s.queued === 0) return 'No jobs running';
  const parts = [];
  if (s.running > 0) parts.push(`${s.running} running`);
  if (s.queued > 0) parts.push(`${s.queued} queued`);
  return parts.join(' · ');
}

function jobLabel(i: QueueSummary['items'][number]): string {
  const what = i.status === 'running' ? (i.progress === null ? 'starting' : `${Math.floor(i.progress * 100)}%`) : i.status === 'validating_files' ? 'validating' : 'queued';
  return `${i.model} — ${what}`;
}

export function trayModel(s: QueueSummary | null): TrayModel {
  const summary = s ?? { running: 0, queued: 0, items: [] };
  const line = s ? queueLine(summary) : 'Starting…';
  const jobs = [...summary.items].sort((a, b) => Number(b.status === 'running') - Number(a.status === 'running'));
  const shown = jobs.slice(0, MAX_TRAY_JOBS);
  const items: TrayItem[] = [
    { type: 'normal', label: 'Open Hone', enabled: true, action: { kind: 'open' } },
    { type: 'separator' },
    { type: 'normal', label: line, enabled: false },
    ...shown.map((j): TrayItem => ({ type: 'normal', label: jobLabel(j), enabled: true, action: { kind: 'open-job', id: j.id } })),
  ];
  if (jobs.length > shown.length) items.push({ type: 'normal', label: `and ${jobs.length - shown.length} more…`, enabled: true, action: { kind: 'open' } });
  items.push({ type: 'separator' }, { type: 'normal', label: 'Quit Hone', enabled: true, action: { kind: 'quit' } });
  return { tooltip: `Hone — ${line}`, items };
}
