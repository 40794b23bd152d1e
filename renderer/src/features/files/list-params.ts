/** The file list's query (search, purpose, sort, page) and its "x–y of total" label. */
import type { FileListQuery } from '@shared/schemas/files.js';

export const PAGE_SIZE = 50;
export type SortKey = FileListQuery['sort'];
export type Order = FileListQuery['order'];

export interface ListState {
  q: string;
  purpose: string;
  sort: SortKey;
  order: Order;
  page: number;
}

export function listQuery(s: ListState): Record<string, string | number> {
  const out: Record<string, string | number> = { limit: PAGE_SIZE, offset: s.page * PAGE_SIZE, sort: s.sort, order: s.order };
  const q = s.q.trim();
  if (q) out.q = q;
  if (s.purpose) out.purpose = s.purpose;
  return out;
}

export const pageCount = (total: number): number => Math.max(1, Math.ceil(total / PAGE_SIZE));

/** "51–100 of 123"; "0 of 0" when empty. */
export function rangeLabel(page: number, shown: number, total: number): string {
  if (total === 0 || shown === 0) return `0 of ${total.toLocaleString('en-US')}`;
  const from = page * PAGE_SIZE + 1;
  return `${from.toLocaleString('en-US')}–${(from + shown - 1).toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
}

/** Clicking a column: a new column starts in its natural order (names A→Z, newest/largest first); the same one flips. */
export function nextSort(cur: { sort: SortKey; order: Order }, key: SortKey): { sort: SortKey; order: Order } {
  if (cur.sort === key) return { sort: key, order: cur.order === 'asc' ? 'desc' : 'asc' };
  return { sort: key, order: key === 'filename' ? 'asc' : 'desc' };
}
