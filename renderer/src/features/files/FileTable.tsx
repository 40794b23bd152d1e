import type { FileList, OpenAIFile } from '@shared/schemas/files.js';
import { nextSort, pageCount, rangeLabel, type SortKey } from './list-params';
import { useFilesView } from './view-store';
import { FileRow } from './FileRow';

const COLUMNS: { key: SortKey | null; label: string }[] = [
  { key: 'filename', label: 'Name' },
  { key: null, label: 'Purpose' },
  { key: 'bytes', label: 'Size' },
  { key: 'created_at', label: 'Created' },
  { key: null, label: 'Status' },
  { key: null, label: 'Actions' },
];

/** One page (≤ 50 rows) of the server's sorted, filtered list: paged, so 10,000 files cost the same as 50. */
export function FileTable({ list, fetching, onDelete, onDownload }: { list: FileList; fetching: boolean; onDelete: (f: OpenAIFile) => void; onDownload: (f: OpenAIFile) => void }) {
  const { sort, order, page, set } = useFilesView();
  const total = list.total ?? list.data.length;
  const pages = pageCount(total);
  return (
    <>
      <div className="table-wrap">
        <table className="table files-table" aria-busy={fetching}>
          <caption className="sr-only">Files, sorted by {sort === 'filename' ? 'name' : sort === 'bytes' ? 'size' : 'creation time'} ({order === 'asc' ? 'ascending' : 'descending'})</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.label} scope="col" aria-sort={c.key && c.key === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {c.key ? (
                    <button type="button" className="th-sort" onClick={() => set({ ...nextSort({ sort, order }, c.key!), page: 0 })}>
                      {c.label}
                      <span aria-hidden="true">{c.key === sort ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.data.map((f) => (
              <FileRow key={f.id} file={f} onDelete={onDelete} onDownload={onDownload} />
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager row" aria-label="Pages">
        <span aria-live="polite" data-testid="range">
          {rangeLabel(page, list.data.length, total)}
        </span>
        <span className="muted">
          Page {page + 1} of {pages}
        </span>
        <span style={{ marginLeft: 'auto' }} />
        <button type="button" onClick={() => set({ page: 0 })} disabled={page === 0}>
          First
        </button>
        <button type="button" onClick={() => set({ page: page - 1 })} disabled={page === 0}>
          Previous
        </button>
        <button type="button" onClick={() => set({ page: page + 1 })} disabled={page + 1 >= pages}>
          Next
        </button>
        <button type="button" onClick={() => set({ page: pages - 1 })} disabled={page + 1 >= pages}>
          Last
        </button>
      </nav>
    </>
  );
}
