/**
 * The job's live console: replays the console from its first byte, then follows it (SSE, one
 * event per read of the file, id = byte offset after it). After a dropped connection api.stream
 * reconnects with Last-Event-ID = the last offset written here, and the server continues from that
 * byte, so no line is shown twice or lost. Its own chunk (xterm is ~80 kB): loaded with the page.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { api, useConnection } from '@/api';
import { saveDownload, toast } from '@/ui';
import { formatBytes } from '@/lib/format';
import { ConsoleTerminal, type SearchResult } from './terminal';
import './console.css';

export interface ConsolePanelProps {
  jobId: string;
  /** Bumped when a stopped console may continue (a paused job resumed): follow again from the last offset. */
  generation: number;
}

type Phase = 'connecting' | 'streaming' | 'ended';

const ENDED: Record<string, string> = { succeeded: 'the job succeeded', failed: 'the job failed', cancelled: 'the job was cancelled', paused: 'the job is paused' };

/** The host element carries the terminal for tests and benches (`el.honeConsole.text()`). */
export interface ConsoleHost extends HTMLDivElement {
  honeConsole?: ConsoleTerminal;
}

export default function ConsolePanel({ jobId, generation }: ConsolePanelProps) {
  const host = useRef<ConsoleHost>(null);
  const termRef = useRef<ConsoleTerminal | null>(null);
  const offset = useRef<string | null>(null);
  const [following, setFollowing] = useState(true);
  // Per stream (`generation`): a newer generation starts out connecting again.
  const [run, setRun] = useState<{ generation: number; phase: Phase; endStatus: string | null }>({ generation, phase: 'connecting', endStatus: null });
  const phase = run.generation === generation ? run.phase : 'connecting';
  const endStatus = run.generation === generation ? run.endStatus : null;
  const [bytes, setBytes] = useState(0);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult>({ index: -1, count: 0 });
  const [error, setError] = useState<string | null>(null);
  const reconnecting = useConnection((s) => s.status === 'reconnecting');
  const searchId = useId();

  // One terminal per job.
  useEffect(() => {
    const t = new ConsoleTerminal(host.current!, { onFollowChange: setFollowing, onSearchResults: setResults });
    termRef.current = t;
    host.current!.honeConsole = t;
    offset.current = null;
    return () => {
      t.dispose();
      termRef.current = null;
    };
  }, [jobId]);

  // Follow the console from where this page got to (the start, or the offset it stopped at).
  useEffect(() => {
    const ctl = new AbortController();
    void api
      .stream(`/v1/fine_tuning/jobs/${encodeURIComponent(jobId)}/console`, {
        signal: ctl.signal,
        lastEventId: offset.current,
        onEvent: (e) => {
          if (e.event === 'output') {
            const text = JSON.parse(e.data) as string;
            termRef.current?.write(text);
            offset.current = e.id;
            setRun((r) => (r.generation === generation && r.phase === 'streaming' ? r : { generation, phase: 'streaming', endStatus: null }));
            if (e.id) setBytes(Number(e.id));
          } else if (e.event === 'end') {
            const end = JSON.parse(e.data) as { status: string; offset: number };
            setRun({ generation, phase: 'ended', endStatus: end.status });
            setBytes(end.offset);
            ctl.abort();
          }
        },
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => ctl.abort();
  }, [jobId, generation]);

  const search = (direction: 'next' | 'previous', incremental = false) => termRef.current?.search(query, direction, incremental);

  const download = async () => {
    try {
      await saveDownload(`/v1/fine_tuning/jobs/${encodeURIComponent(jobId)}/console.txt`, `${jobId}-console.txt`);
    } catch (e) {
      toast(`Download failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };

  const state =
    error ?? (reconnecting && phase !== 'ended' ? 'Connection lost: reconnecting, the console continues where it stopped…' : phase === 'connecting' ? 'Waiting for output…' : phase === 'ended' ? (bytes === 0 ? `Nothing was printed: the trainer never started (${ENDED[endStatus ?? ''] ?? endStatus}).` : `Complete (${formatBytes(bytes)}); ${ENDED[endStatus ?? ''] ?? endStatus}.`) : `Live: ${formatBytes(bytes)} so far.`);

  return (
    <section className="card console-card" aria-labelledby={`${searchId}-title`}>
      <div className="console-toolbar">
        <h2 id={`${searchId}-title`}>Console</h2>
        <span className="muted console-state" data-testid="console-state" role="status">
          {state}
        </span>
        <div className="console-search" role="search">
          <label htmlFor={searchId} className="sr-only">
            Search the console
          </label>
          <input
            id={searchId}
            type="search"
            placeholder="Search the console"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              if (e.target.value) termRef.current?.search(e.target.value, 'next', true);
              else termRef.current?.clearSearch();
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                search(e.shiftKey ? 'previous' : 'next');
              } else if (e.key === 'Escape') {
                setQuery('');
                termRef.current?.clearSearch();
              }
            }}
          />
          <button type="button" className="small" onClick={() => search('previous')} disabled={!query} aria-label="Previous match">
            ↑
          </button>
          <button type="button" className="small" onClick={() => search('next')} disabled={!query} aria-label="Next match">
            ↓
          </button>
          <span className="muted console-matches" data-testid="console-matches" aria-live="polite">
            {query ? (results.count === 0 ? 'no matches' : results.index >= 0 ? `${results.index + 1} of ${results.count}` : `${results.count}+ matches`) : ''}
          </span>
        </div>
        <button type="button" className="small" aria-pressed={following} onClick={() => termRef.current?.follow(!following)} title="Keep the newest line in view">
          {following ? 'Following output' : 'Follow output'}
        </button>
        <button type="button" className="small" onClick={() => void download()}>
          Download
        </button>
      </div>
      <div className="console-scroll">
        <div ref={host} className="console-host" data-testid="console" role="log" aria-label="Console output of the trainer" />
      </div>
      <p className="muted console-hint">Everything the trainer printed, as in a terminal. Scroll up to stop following; Enter / Shift+Enter in the search box go to the next / previous match.</p>
    </section>
  );
}
