/**
 * The edit session: VIEW state only (the server's pages stay in TanStack Query). Every operation
 * replaces the immutable `edits` value and pushes the previous one on the undo stack; typing in one
 * field coalesces into one undo step.
 */
import { create } from 'zustand';
import type { WeightRule } from '@shared/datasets/index.js';
import { NO_EDITS, insertAfter, remove, restore, setText, type Edits, type RowKey } from './edits';

const COALESCE_MS = 1000;
const MAX_UNDO = 500;

export interface SessionState {
  fileId: string | null;
  edits: Edits;
  /** The edits when last saved or opened: dirty = edits !== saved. */
  saved: Edits;
  undoStack: Edits[];
  redoStack: Edits[];
  last: { key: string; at: number } | null;
  selected: RowKey | null;
  checked: ReadonlySet<RowKey>;
  nextId: number;

  open(fileId: string | null, initial?: Edits): void;
  /** One undoable step; `coalesce` merges repeated steps with the same key (typing). */
  apply(f: (e: Edits) => Edits, coalesce?: string): void;
  setExample(key: RowKey, text: string, coalesce?: string): void;
  /** Several rows at once (bulk rules over the selection): one undo step. */
  setExamples(texts: [RowKey, string][]): void;
  deleteExample(key: RowKey): void;
  restoreExample(key: RowKey): void;
  /** Inserts `text` after `after` (null = start); returns the new row's key. */
  insertExample(after: RowKey | null, text: string): RowKey;
  setRule(rule: WeightRule | null): void;
  undo(): void;
  redo(): void;
  markSaved(): void;
  select(key: RowKey | null): void;
  toggleChecked(key: RowKey): void;
  setChecked(keys: RowKey[]): void;
}

export const isDirty = (s: Pick<SessionState, 'edits' | 'saved'>) => s.edits !== s.saved;

export const createSession = () =>
  create<SessionState>((set, get) => ({
    fileId: null,
    edits: NO_EDITS,
    saved: NO_EDITS,
    undoStack: [],
    redoStack: [],
    last: null,
    selected: null,
    checked: new Set(),
    nextId: 1,

    open: (fileId, initial = NO_EDITS) =>
      set({ fileId, edits: initial, saved: initial, undoStack: [], redoStack: [], last: null, selected: null, checked: new Set() }),

    apply: (f, coalesce) => {
      const s = get();
      const next = f(s.edits);
      if (next === s.edits) return;
      const now = Date.now();
      const merge = coalesce !== undefined && s.last?.key === coalesce && now - s.last.at < COALESCE_MS && s.undoStack.length > 0;
      set({
        edits: next,
        undoStack: merge ? s.undoStack : [...s.undoStack, s.edits].slice(-MAX_UNDO),
        redoStack: [],
        last: coalesce !== undefined ? { key: coalesce, at: now } : null,
      });
    },

    setExample: (key, text, coalesce) => get().apply((e) => setText(e, key, text), coalesce),
    setExamples: (texts) => get().apply((e) => texts.reduce((acc, [k, t]) => setText(acc, k, t), e)),
    deleteExample: (key) => get().apply((e) => remove(e, key)),
    restoreExample: (key) => get().apply((e) => restore(e, key)),
    insertExample: (after, text) => {
      const id = get().nextId;
      set({ nextId: id + 1 });
      get().apply((e) => insertAfter(e, after, { id, text }));
      return `n:${id}`;
    },
    setRule: (rule) => get().apply((e) => (e.rule === rule ? e : { ...e, rule })),

    undo: () => {
      const s = get();
      const prev = s.undoStack[s.undoStack.length - 1];
      if (!prev) return;
      set({ edits: prev, undoStack: s.undoStack.slice(0, -1), redoStack: [...s.redoStack, s.edits], last: null });
    },
    redo: () => {
      const s = get();
      const next = s.redoStack[s.redoStack.length - 1];
      if (!next) return;
      set({ edits: next, redoStack: s.redoStack.slice(0, -1), undoStack: [...s.undoStack, s.edits], last: null });
    },
    markSaved: () => set({ saved: get().edits }),
    select: (key) => set({ selected: key }),
    toggleChecked: (key) => {
      const c = new Set(get().checked);
      if (c.has(key)) c.delete(key);
      else c.add(key);
      set({ checked: c });
    },
    setChecked: (keys) => set({ checked: new Set(keys) }),
  }));

export type SessionStore = ReturnType<typeof createSession>;
/** The app's one editor session (one editor is open at a time). */
export const useSession = createSession();
