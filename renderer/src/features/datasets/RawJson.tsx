/**
 * The "Raw JSON" tab: CodeMirror 6 (its own chunk, loaded on first use) over the example's text,
 * pretty-printed. Edits reach the example only once they parse as a JSON object; until then the
 * draft stays here and the parse error is shown.
 */
import { useEffect, useRef, useState } from 'react';
import type { EditorView } from '@codemirror/view';
import { Spinner } from '@/ui';

const pretty = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text; // invalid JSON is shown as written, so it can be fixed
  }
};
/** The one-line form saved, or an error. */
function compact(doc: string): { text: string } | { error: string } {
  try {
    const v: unknown = JSON.parse(doc);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: 'An example must be a JSON object.' };
    return { text: JSON.stringify(v) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export default function RawJson({ text, readOnly, onChange }: { text: string; readOnly: boolean; onChange: (oneLine: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef({ text, onChange });
  useEffect(() => {
    latest.current = { text, onChange };
  });

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const [{ basicSetup, EditorView: EV }, { json }, { EditorState }, { HighlightStyle, syntaxHighlighting }, { tags }] = await Promise.all([
        import('codemirror'),
        import('@codemirror/lang-json'),
        import('@codemirror/state'),
        import('@codemirror/language'),
        import('@lezer/highlight'),
      ]);
      // The theme's own colours (AA in light and dark) instead of CodeMirror's light-only defaults.
      const highlight = HighlightStyle.define([
        { tag: tags.propertyName, color: 'var(--text)', fontWeight: '600' },
        { tag: tags.string, color: 'var(--ok)' },
        { tag: [tags.number, tags.bool, tags.null], color: 'var(--accent)' },
        { tag: tags.invalid, color: 'var(--danger)' },
      ]);
      if (cancelled || !host.current) return;
      view.current = new EV({
        parent: host.current,
        state: EditorState.create({
          doc: pretty(latest.current.text),
          extensions: [
            syntaxHighlighting(highlight),
            basicSetup,
            json(),
            EV.lineWrapping,
            EditorState.readOnly.of(readOnly),
            EV.contentAttributes.of({ 'aria-label': 'Raw JSON of the example' }),
            EV.updateListener.of((u) => {
              if (!u.docChanged) return;
              const r = compact(u.state.doc.toString());
              if ('error' in r) setError(r.error);
              else {
                setError(null);
                if (r.text !== latest.current.text) latest.current.onChange(r.text);
              }
            }),
          ],
        }),
      });
      setLoading(false);
    })();
    return () => {
      cancelled = true;
      view.current?.destroy();
      view.current = null;
    };
  }, [readOnly]);

  // Changes from elsewhere (undo, the form) replace the document unless it already says the same.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc.toString();
    const r = compact(doc);
    if ('text' in r && r.text === text) return;
    if ('error' in r && doc === text) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: pretty(text) } });
  }, [text]);

  return (
    <div className="raw-json">
      {loading && <Spinner label="Loading the JSON editor" />}
      <div ref={host} className="cm-host" />
      {error && (
        <div className="field-error" role="alert">
          Not applied yet — not valid JSON: {error}
        </div>
      )}
      {!readOnly && <p className="muted">Saved as one JSON Lines line; formatting here is only for reading.</p>}
    </div>
  );
}
