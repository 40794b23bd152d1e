/**
 * A run's console output (GET /v1/fine_tuning/jobs/{id}/console, SSE), streamed only while the
 * section is open. Keeps the last lines, resolving carriage returns as a terminal would (progress
 * bars overwrite their line); the job page has the full terminal.
 */
import { useEffect, useRef, useState } from 'react';
import { api } from '@/api';
import { appendOutput, MAX_LINES, type ConsoleText } from './console-text';

export function ConsoleLog({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [ended, setEnded] = useState(false);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (!open) return;
    const ctl = new AbortController();
    let buf: ConsoleText = { lines: [], cr: false };
    void api
      .stream(`/v1/fine_tuning/jobs/${encodeURIComponent(id)}/console`, {
        signal: ctl.signal,
        onEvent: (e) => {
          if (e.event === 'output') {
            buf = appendOutput(buf, JSON.parse(e.data) as string);
            setLines(buf.lines);
          } else if (e.event === 'end') {
            setEnded(true);
            ctl.abort(); // finished: do not reconnect
          }
        },
      })
      .catch(() => undefined);
    return () => ctl.abort();
  }, [open, id]);
  useEffect(() => {
    const el = pre.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <details className="console-log" onToggle={(e) => {
        const now = (e.target as HTMLDetailsElement).open;
        if (now) {
          setLines([]); // replayed from the start on each opening
          setEnded(false);
        }
        setOpen(now);
      }}>
      <summary>Console output</summary>
      {/* A scrollable region must be reachable by keyboard. */}
      <pre ref={pre} tabIndex={0} aria-label="Console output" data-testid="bench-console">
        {lines.join('\n') || (ended ? '(no output)' : 'Waiting for output…')}
      </pre>
      <p className="muted small">The last {MAX_LINES} lines{ended ? '; the run has ended.' : ', following the run.'}</p>
    </details>
  );
}
