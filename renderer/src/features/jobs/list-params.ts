/** The Jobs list's status filter, kept in the URL (`/jobs?status=running`) so it can be linked and survives reloads. */
import type { JobStatus } from '@shared/schemas/jobs.js';

export interface StatusFilter {
  /** The URL value (also the button's key). */
  value: string;
  label: string;
  /** What the server is asked for (`status=a,b`); empty = every job. */
  statuses: JobStatus[];
}

export const STATUS_FILTERS: readonly StatusFilter[] = [
  { value: '', label: 'All', statuses: [] },
  { value: 'active', label: 'Active', statuses: ['validating_files', 'queued', 'running', 'paused'] },
  { value: 'running', label: 'Running', statuses: ['running'] },
  { value: 'queued', label: 'Queued', statuses: ['validating_files', 'queued'] },
  { value: 'paused', label: 'Paused', statuses: ['paused'] },
  { value: 'succeeded', label: 'Succeeded', statuses: ['succeeded'] },
  { value: 'failed', label: 'Failed', statuses: ['failed'] },
  { value: 'cancelled', label: 'Cancelled', statuses: ['cancelled'] },
];

/** The filter named by `?status=`; an unknown value means no filter. */
export function filterFromParams(params: URLSearchParams): StatusFilter {
  const v = params.get('status') ?? '';
  return STATUS_FILTERS.find((f) => f.value === v) ?? STATUS_FILTERS[0]!;
}

export const PAGE_SIZE = 20;

/** The list request's query for one page (`after` = the last job id of the previous page). */
export function listQuery(filter: StatusFilter, after?: string): Record<string, string | number> {
  const q: Record<string, string | number> = { limit: PAGE_SIZE };
  if (filter.statuses.length) q.status = filter.statuses.join(',');
  if (after) q.after = after;
  return q;
}
