/** The virtualised list of examples: pages of 100 are fetched as rows scroll into view, never the whole file. */
import { useImperativeHandle, useRef, type Ref } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { examplePageQuery, PAGE_SIZE } from './queries';
import { parseKey, type RowKey } from './model/edits';

export interface RowInfo {
  key: RowKey;
  label: string;
  line: number | null;
  preview: string;
  loaded: boolean;
  errors: number;
  warnings: number;
  edited: boolean;
  deleted: boolean;
  trained: { trained: number; assistant: number } | null;
}
export interface ListHandle {
  scrollTo(i: number): void;
}

export function ExampleList(props: {
  fileId: string | null;
  count: number;
  keyAt: (i: number) => RowKey;
  info: (key: RowKey) => RowInfo;
  selected: RowKey | null;
  checked: ReadonlySet<RowKey>;
  onSelect: (key: RowKey) => void;
  onToggleCheck: (key: RowKey) => void;
  handle: Ref<ListHandle>;
}) {
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the list re-renders with its scroll state, as TanStack Virtual intends
  const v = useVirtualizer({ count: props.count, getScrollElement: () => parent.current, estimateSize: () => 58, overscan: 8 });
  useImperativeHandle(props.handle, () => ({ scrollTo: (i: number) => v.scrollToIndex(i, { align: 'center' }) }), [v]);
  const items = v.getVirtualItems();
  // Pages needed by the visible rows (originals only; inserted rows live in the session).
  const pages = new Set<number>();
  for (const it of items) {
    const k = parseKey(props.keyAt(it.index));
    if ('original' in k) pages.add(Math.floor(k.original / PAGE_SIZE));
  }
  const { fileId } = props;
  useQueries({ queries: [...pages].map((page) => examplePageQuery(fileId, page)) });
  const move = (delta: number) => {
    const cur = items.findIndex((it) => props.keyAt(it.index) === props.selected);
    const base = cur >= 0 ? items[cur]!.index : 0;
    const next = Math.min(props.count - 1, Math.max(0, base + delta));
    props.onSelect(props.keyAt(next));
    v.scrollToIndex(next);
  };

  return (
    <div
      ref={parent}
      className="example-list"
      style={{ ['--list-h' as string]: `${props.count * 58 + 4}px` }}
      role="list"
      aria-label="Examples"
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
        e.preventDefault();
        move(e.key === 'ArrowDown' ? 1 : -1);
      }}
    >
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {items.map((it) => {
          const r = props.info(props.keyAt(it.index));
          const sel = r.key === props.selected;
          return (
            <div
              key={r.key}
              id={`row-${r.key.replace(':', '-')}`}
              role="listitem"
              className={`example-row${sel ? ' selected' : ''}${r.deleted ? ' deleted' : ''}`}
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: it.size, transform: `translateY(${it.start}px)` }}
              onClick={() => props.onSelect(r.key)}
            >
              <input
                type="checkbox"
                aria-label={`Select ${r.label} for bulk actions`}
                checked={props.checked.has(r.key)}
                onClick={(e) => e.stopPropagation()}
                onChange={() => props.onToggleCheck(r.key)}
              />
              <div className="example-row-main">
                <div className="example-row-top">
                  <button type="button" className="linklike" aria-current={sel || undefined} aria-label={`Open example ${r.label}`} onClick={(e) => (e.stopPropagation(), props.onSelect(r.key))}>
                    {r.label}
                  </button>
                  {r.line !== null && <span className="muted">line {r.line}</span>}
                  {r.errors > 0 && <span className="badge error">{r.errors} error{r.errors > 1 ? 's' : ''}</span>}
                  {r.warnings > 0 && <span className="badge warn">{r.warnings} warning{r.warnings > 1 ? 's' : ''}</span>}
                  {r.edited && <span className="badge info">edited</span>}
                  {r.deleted && <span className="badge">deleted</span>}
                  {r.trained && r.trained.assistant > 0 && (
                    <span className="badge" title="Assistant turns trained">
                      {r.trained.trained}/{r.trained.assistant} trained
                    </span>
                  )}
                </div>
                <div className="example-row-preview">{r.loaded ? r.preview || <em className="muted">(no user message)</em> : <span className="muted">Loading…</span>}</div>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
