/**
 * What is wrong where, for the editor: live checks (the shared validator) for edited and new
 * examples, the server's latest report for the rest, and one list of problems that jumps to them.
 */
import { useCallback, useMemo } from 'react';
import type { ValDatasetResponse, ValidationIssue } from '@shared/schemas/validation.js';
import { isDeleted, isEdited, parseKey, type Edits, type RowKey } from './model/edits';
import { checkExample, type ExampleCheck } from './model/live-validation';

/** Checks by text: a keystroke re-checks only the example it changed, not every edited one. */
const checks = new Map<string, ExampleCheck>();
function cachedCheck(text: string): ExampleCheck {
  let c = checks.get(text);
  if (!c) {
    if (checks.size > 5000) checks.clear();
    c = checkExample(text);
    checks.set(text, c);
  }
  return c;
}

export interface Problem {
  key: RowKey;
  where: string;
  issue: ValidationIssue;
  kind: 'error' | 'warning';
}

export function useEditorIssues(edits: Edits, report: ValDatasetResponse | undefined) {
  // Server report by 1-based example number; edited examples use live checks instead.
  const serverIssues = useMemo(() => {
    const errors = new Map<number, ValidationIssue[]>();
    const warnings = new Map<number, ValidationIssue[]>();
    for (const [m, arr] of [
      [errors, report?.error_details ?? []],
      [warnings, report?.warnings ?? []],
    ] as const)
      for (const i of arr) if (i.example !== null) m.set(i.example, [...(m.get(i.example) ?? []), i]);
    return { errors, warnings };
  }, [report]);

  const liveChecks = useMemo(() => {
    const m = new Map<RowKey, ExampleCheck>();
    for (const [i, t] of Object.entries(edits.replaced)) m.set(`o:${Number(i)}`, cachedCheck(t));
    for (const l of Object.values(edits.inserted)) for (const x of l) m.set(`n:${x.id}`, cachedCheck(x.text));
    return m;
  }, [edits]);

  const issuesOf = useCallback(
    (key: RowKey): { errors: ValidationIssue[]; warnings: ValidationIssue[] } => {
      if (isDeleted(edits, key)) return { errors: [], warnings: [] };
      const live = liveChecks.get(key);
      if (live) return live;
      const k = parseKey(key);
      if ('original' in k) return { errors: serverIssues.errors.get(k.original + 1) ?? [], warnings: serverIssues.warnings.get(k.original + 1) ?? [] };
      return { errors: [], warnings: [] };
    },
    [liveChecks, serverIssues, edits],
  );

  // Problems: live ones for edited examples, the server's report for the rest.
  const problems = useMemo(() => {
    const out: Problem[] = [];
    for (const [key, c] of liveChecks) {
      if (isDeleted(edits, key)) continue;
      const k = parseKey(key);
      const where = 'original' in k ? `Example ${k.original + 1} (edited)` : 'New example';
      for (const e of c.errors) out.push({ key, where, issue: e, kind: 'error' });
      for (const w of c.warnings) out.push({ key, where, issue: w, kind: 'warning' });
    }
    for (const [kind, arr] of [
      ['error', report?.error_details ?? []],
      ['warning', report?.warnings ?? []],
    ] as const)
      for (const i of arr) {
        if (i.example === null) continue;
        const key: RowKey = `o:${i.example - 1}`;
        if (isEdited(edits, key) || isDeleted(edits, key)) continue;
        out.push({ key, where: `Example ${i.example}, line ${i.line}`, issue: i, kind });
      }
    return out;
  }, [liveChecks, report, edits]);

  return { serverIssues, liveChecks, issuesOf, problems };
}
