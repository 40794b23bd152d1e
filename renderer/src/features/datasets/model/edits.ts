/**
 * The editor's overlay of edits on top of the server's pages, as immutable values (so an undo
 * snapshot is just the previous value): replaced / deleted originals by 0-based original index,
 * and inserted examples grouped by the original they follow (-1 = before the first).
 */
import type { DeriveFileBody, ExampleEdit } from '@shared/schemas/datasets.js';
import { applyWeightRuleToText, type WeightRule } from '@shared/datasets/index.js';

/** `o:12` = original example 12; `n:3` = inserted example with id 3. */
export type RowKey = `o:${number}` | `n:${number}`;
export interface Inserted {
  id: number;
  text: string;
}
export interface Edits {
  readonly replaced: Readonly<Record<number, string>>;
  readonly deleted: Readonly<Record<number, true>>;
  readonly inserted: Readonly<Record<number, readonly Inserted[]>>;
  /** A bulk weight rule for the whole file, applied on save. */
  readonly rule: WeightRule | null;
}
export const NO_EDITS: Edits = Object.freeze({ replaced: {}, deleted: {}, inserted: {}, rule: null });

export const originalKey = (index: number): RowKey => `o:${index}`;
export function parseKey(key: RowKey): { original: number } | { inserted: number } {
  const n = Number(key.slice(2));
  return key.startsWith('o:') ? { original: n } : { inserted: n };
}

const anchorCache = new WeakMap<Edits, number[]>();
/** Originals with inserted examples after them, ascending (cached per immutable Edits value). */
function anchors(e: Edits): number[] {
  let a = anchorCache.get(e);
  if (!a) {
    a = Object.keys(e.inserted)
      .map(Number)
      .filter((k) => (e.inserted[k]?.length ?? 0) > 0)
      .sort((x, y) => x - y);
    anchorCache.set(e, a);
  }
  return a;
}

export function findInserted(e: Edits, id: number): { after: number; pos: number; item: Inserted } | null {
  for (const a of anchors(e)) {
    const list = e.inserted[a]!;
    const pos = list.findIndex((x) => x.id === id);
    if (pos >= 0) return { after: a, pos, item: list[pos]! };
  }
  return null;
}

/** Rows shown: every original (deleted ones stay, marked) plus the inserted examples. */
export function rowCount(total: number, e: Edits): number {
  let n = total;
  for (const a of anchors(e)) n += e.inserted[a]!.length;
  return n;
}

/** The row at display position `i` (originals in file order, inserted ones after their anchor). */
export function rowAt(i: number, e: Edits): RowKey {
  let cum = 0;
  for (const a of anchors(e)) {
    const start = a + 1 + cum;
    if (i < start) break;
    const list = e.inserted[a]!;
    if (i < start + list.length) return `n:${list[i - start]!.id}`;
    cum += list.length;
  }
  return `o:${i - cum}`;
}

export function displayIndexOf(key: RowKey, e: Edits): number {
  const k = parseKey(key);
  let cum = 0;
  if ('original' in k) {
    for (const a of anchors(e)) if (a < k.original) cum += e.inserted[a]!.length;
    return k.original + cum;
  }
  const f = findInserted(e, k.inserted);
  if (!f) return -1;
  for (const a of anchors(e)) if (a < f.after) cum += e.inserted[a]!.length;
  return f.after + 1 + cum + f.pos;
}

/** The current text of a row, given the original's text (when loaded). */
export function currentText(e: Edits, key: RowKey, original: string | undefined): string | undefined {
  const k = parseKey(key);
  if ('inserted' in k) return findInserted(e, k.inserted)?.item.text;
  return e.replaced[k.original] ?? original;
}

export function isEdited(e: Edits, key: RowKey): boolean {
  const k = parseKey(key);
  return 'inserted' in k || k.original in e.replaced;
}

export function isDeleted(e: Edits, key: RowKey): boolean {
  const k = parseKey(key);
  return 'original' in k && k.original in e.deleted;
}

export function setText(e: Edits, key: RowKey, text: string): Edits {
  const k = parseKey(key);
  if ('original' in k) {
    const deleted = { ...e.deleted };
    delete deleted[k.original];
    return { ...e, replaced: { ...e.replaced, [k.original]: text }, deleted };
  }
  const f = findInserted(e, k.inserted);
  if (!f) return e;
  const list = e.inserted[f.after]!.slice();
  list[f.pos] = { id: f.item.id, text };
  return { ...e, inserted: { ...e.inserted, [f.after]: list } };
}

/** Deletes an original (its edit goes too: the server takes one edit per example) or drops an inserted one. */
export function remove(e: Edits, key: RowKey): Edits {
  const k = parseKey(key);
  if ('original' in k) {
    const replaced = { ...e.replaced };
    delete replaced[k.original];
    return { ...e, replaced, deleted: { ...e.deleted, [k.original]: true } };
  }
  const f = findInserted(e, k.inserted);
  if (!f) return e;
  return { ...e, inserted: { ...e.inserted, [f.after]: e.inserted[f.after]!.filter((x) => x.id !== f.item.id) } };
}

export function restore(e: Edits, key: RowKey): Edits {
  const k = parseKey(key);
  if (!('original' in k) || !(k.original in e.deleted)) return e;
  const deleted = { ...e.deleted };
  delete deleted[k.original];
  return { ...e, deleted };
}

/** Inserts `item` right after row `key` (null = at the very start). */
export function insertAfter(e: Edits, key: RowKey | null, item: Inserted): Edits {
  let after = -1;
  let pos = 0;
  if (key) {
    const k = parseKey(key);
    if ('original' in k) after = k.original;
    else {
      const f = findInserted(e, k.inserted);
      if (f) {
        after = f.after;
        pos = f.pos + 1;
      }
    }
  }
  const list = (e.inserted[after] ?? []).slice();
  list.splice(pos, 0, item);
  return { ...e, inserted: { ...e.inserted, [after]: list } };
}

/** The derive request for these edits: one edit per original, inserts grouped by anchor. */
export function buildDeriveBody(e: Edits, filename?: string): DeriveFileBody {
  const edits: ExampleEdit[] = [];
  for (const i of Object.keys(e.deleted).map(Number).sort((a, b) => a - b)) edits.push({ op: 'delete', index: i });
  for (const i of Object.keys(e.replaced).map(Number).sort((a, b) => a - b)) edits.push({ op: 'replace', index: i, example: e.replaced[i]! });
  for (const a of anchors(e)) edits.push({ op: 'insert', after: a, examples: e.inserted[a]!.map((x) => x.text) });
  const body: DeriveFileBody = { edits };
  if (filename) body.filename = filename;
  if (e.rule) body.weights = e.rule;
  return body;
}

/** A new dataset held only in memory (no original file): its JSONL, with the rule applied. */
export function buildJsonl(e: Edits): string {
  const lines: string[] = [];
  for (const a of anchors(e)) for (const x of e.inserted[a]!) lines.push(e.rule ? applyWeightRuleToText(x.text, e.rule) : x.text);
  return lines.length ? lines.join('\n') + '\n' : '';
}
