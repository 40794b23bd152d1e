/**
 * The job's events, newest first: the REST list a page at a time (`after`), with what the event
 * stream delivered since above it (no refetch while the job runs).
 */
import { useEffect, useMemo, useState } from 'react';
import type { JobEvent } from '@shared/schemas/jobs.js';
import { ErrorNotice, Spinner } from '@/ui';
import { formatDate } from '@/lib/format';
import type { JobFeed } from './job-feed';
import { useJobEvents } from './queries';

const PAGE = 20;

export function EventsPanel({ jobId, feed, version, onHead }: { jobId: string; feed: JobFeed; version: number; onHead: (id: string | null) => void }) {
  const q = useJobEvents(jobId);
  const [shown, setShown] = useState(PAGE);
  const first = q.data?.pages[0];
  useEffect(() => {
    if (first) onHead(first.data[0]?.id ?? null);
  }, [first, onHead]);
  const events = useMemo(() => {
    const rest = q.data?.pages.flatMap((p) => p.data) ?? [];
    const ids = new Set(rest.map((e) => e.id));
    return [...feed.newer.filter((e) => !ids.has(e.id)), ...rest];
    // `version` says the feed's list changed (it is mutated in place).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q.data, feed, version]);
  const more = events.length > shown || q.hasNextPage;
  const showOlder = () => {
    setShown((n) => n + PAGE);
    if (events.length < shown + PAGE && q.hasNextPage) void q.fetchNextPage();
  };
  return (
    <section className="card" aria-labelledby="job-events-title">
      <h2 id="job-events-title">Events</h2>
      {q.error ? (
        <ErrorNotice error={q.error} onRetry={() => void q.refetch()} />
      ) : q.isPending ? (
        <Spinner label="Loading events" />
      ) : events.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <>
          <ol className="job-events" data-testid="job-events">
            {events.slice(0, shown).map((e) => (
              <EventRow key={e.id} e={e} />
            ))}
          </ol>
          {more && (
            <button type="button" className="small" onClick={showOlder} disabled={q.isFetchingNextPage}>
              {q.isFetchingNextPage ? 'Loading…' : 'Show older events'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function EventRow({ e }: { e: JobEvent }) {
  return (
    <li className={`job-event level-${e.level}`}>
      <time className="muted mono" dateTime={new Date(e.created_at * 1000).toISOString()}>
        {formatDate(e.created_at)}
      </time>
      {e.level !== 'info' && <span className={`badge ${e.level === 'error' ? 'error' : 'warn'}`}>{e.level}</span>}
      <span className="job-event-msg">{e.message}</span>
    </li>
  );
}
