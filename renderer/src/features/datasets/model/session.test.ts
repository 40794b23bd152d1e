import { describe, expect, it, vi } from 'vitest';
import { DeriveFileBody } from '@shared/schemas/datasets.js';
import { applyWeightRule, parseExample, serializeExample, toggleWeight } from '@shared/datasets/index.js';
import { NO_EDITS, buildDeriveBody, buildJsonl, currentText, displayIndexOf, rowAt, rowCount, type RowKey } from './edits';
import { createSession, isDirty } from './session';

const ex = (a: string) => `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"${a}"}]}`;

describe('edit session', () => {
  it('edit → derive body: one edit per original, inserts by anchor, rule passed through, schema-valid', () => {
    const s = createSession();
    s.getState().open('file-1');
    s.getState().setExample('o:3', ex('fixed'));
    s.getState().deleteExample('o:1');
    const dup = s.getState().insertExample('o:3', ex('copy'));
    s.getState().insertExample(dup, ex('copy2'));
    s.getState().insertExample(null, ex('first'));
    s.getState().setExample('o:1', ex('revived')); // editing a deleted example revives it
    s.getState().deleteExample('o:5');
    s.getState().setExample('o:5', ex('x'));
    s.getState().deleteExample('o:5'); // delete after edit: only the delete is sent
    s.getState().setRule('last_assistant_only');
    const body = buildDeriveBody(s.getState().edits, 'mine.jsonl');
    expect(body).toEqual({
      filename: 'mine.jsonl',
      weights: 'last_assistant_only',
      edits: [
        { op: 'delete', index: 5 },
        { op: 'replace', index: 1, example: ex('revived') },
        { op: 'replace', index: 3, example: ex('fixed') },
        { op: 'insert', after: -1, examples: [ex('first')] },
        { op: 'insert', after: 3, examples: [ex('copy'), ex('copy2')] },
      ],
    });
    expect(DeriveFileBody.parse(body)).toEqual(body);
  });

  it('maps display rows to originals and inserted examples both ways', () => {
    const s = createSession();
    s.getState().open('f');
    const a = s.getState().insertExample(null, 'A');
    const b = s.getState().insertExample('o:1', 'B');
    const c = s.getState().insertExample(b, 'C');
    const e = s.getState().edits;
    expect(rowCount(4, e)).toBe(7);
    const rows: RowKey[] = Array.from({ length: 7 }, (_, i) => rowAt(i, e));
    expect(rows).toEqual([a, 'o:0', 'o:1', b, c, 'o:2', 'o:3']);
    rows.forEach((k, i) => expect(displayIndexOf(k, e)).toBe(i));
    expect(currentText(e, c, undefined)).toBe('C');
    expect(currentText(e, 'o:2', 'orig')).toBe('orig');
  });

  it('undo/redo restore whole-operation snapshots; typing coalesces; dirty follows the saved state', () => {
    vi.useFakeTimers();
    const s = createSession();
    s.getState().open('f');
    expect(isDirty(s.getState())).toBe(false);
    s.getState().setExample('o:0', ex('a'), 'o:0/content/1');
    vi.advanceTimersByTime(200);
    s.getState().setExample('o:0', ex('ab'), 'o:0/content/1');
    vi.advanceTimersByTime(2000);
    s.getState().setExample('o:0', ex('abc'), 'o:0/content/1'); // a pause starts a new step
    s.getState().deleteExample('o:2');
    expect(s.getState().undoStack).toHaveLength(3);
    s.getState().undo();
    expect(s.getState().edits.deleted).toEqual({});
    s.getState().undo();
    expect(s.getState().edits.replaced[0]).toBe(ex('ab'));
    s.getState().redo();
    expect(s.getState().edits.replaced[0]).toBe(ex('abc'));
    s.getState().markSaved();
    expect(isDirty(s.getState())).toBe(false);
    s.getState().undo();
    expect(isDirty(s.getState())).toBe(true);
    s.getState().undo();
    s.getState().undo();
    expect(s.getState().edits).toBe(NO_EDITS);
    s.getState().undo(); // nothing left: no-op
    expect(s.getState().redoStack).toHaveLength(3);
    s.getState().setRule('all_assistant'); // a new step clears redo
    expect(s.getState().redoStack).toHaveLength(0);
    vi.useRealTimers();
  });

  it('bulk rule over selected rows is one undo step; a new dataset serialises to JSONL with the rule', () => {
    const s = createSession();
    s.getState().open(null);
    const two = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"},{"role":"user","content":"q2"},{"role":"assistant","content":"b"}]}';
    const k1 = s.getState().insertExample(null, two);
    const k2 = s.getState().insertExample(k1, two);
    const steps = s.getState().undoStack.length;
    const texts: [RowKey, string][] = [k1, k2].map((k) => {
      const p = parseExample(currentText(s.getState().edits, k, undefined)!);
      if (!p.ok) throw new Error();
      return [k, serializeExample(applyWeightRule(p.value, 'last_assistant_only'))];
    });
    s.getState().setExamples(texts);
    expect(s.getState().undoStack.length).toBe(steps + 1);
    const trainedOnlyLast = two.replace('"content":"a"}', '"content":"a","weight":0}');
    expect(buildJsonl(s.getState().edits)).toBe(`${trainedOnlyLast}\n${trainedOnlyLast}\n`);
    // Whole-file rule on a new dataset: applied when the JSONL is built.
    s.getState().undo();
    s.getState().setRule('last_assistant_only');
    expect(buildJsonl(s.getState().edits)).toBe(`${trainedOnlyLast}\n${trainedOnlyLast}\n`);
    // A toggle after the rule: the saved line carries both.
    const p = parseExample(two);
    if (p.ok) expect(serializeExample(toggleWeight(p.value, { list: 'messages', index: 1 }))).toContain('"weight":0');
  });
});
