/**
 * Reads a job's event stream into a JobFeed for as long as the page shows the job: resumes after
 * a drop from the last seq (api.stream sends Last-Event-ID), stops at the stream's `end`, and
 * starts again from where it stopped when `generation` changes (a paused job resumed).
 */
import { useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, keys } from '@/api';
import { JobEvent } from '@shared/schemas/jobs.js';
import { JobFeed } from './job-feed';

/** The events table re-renders at most this often however fast events arrive. */
const RENDER_MS = 250;

export function useJobFeed(jobId: string, generation: number, head: string | null | undefined): { feed: JobFeed; version: number; ended: boolean } {
  const feed = useMemo(() => new JobFeed(), [jobId]); // eslint-disable-line react-hooks/exhaustive-deps -- one feed per job
  const [version, setVersion] = useState(0);
  /** The stream said the job is over: every event has been read. */
  const [ended, setEnded] = useState(false);
  const qc = useQueryClient();

  useEffect(() => {
    if (head !== undefined) feed.setHead(head);
  }, [feed, head]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    return feed.subscribe(({ checkpoint }) => {
      if (checkpoint) void qc.invalidateQueries({ queryKey: keys.jobs.checkpoints(jobId) });
      timer ??= setTimeout(() => {
        timer = null;
        setVersion(feed.version);
      }, RENDER_MS);
    });
  }, [feed, jobId, qc]);

  useEffect(() => {
    const ctl = new AbortController();
    void api
      .stream(`/v1/fine_tuning/jobs/${encodeURIComponent(jobId)}/events/stream`, {
        signal: ctl.signal,
        lastEventId: feed.lastSeq,
        onEvent: (e) => {
          if (e.event === 'end') {
            setEnded(true);
            return ctl.abort();
          }
          if (e.event !== 'event') return;
          let parsed;
          try {
            parsed = JobEvent.safeParse(JSON.parse(e.data));
          } catch {
            return;
          }
          if (parsed.success) feed.onEvent(parsed.data, e.id);
        },
      })
      .catch(() => undefined); // a 4xx (job deleted, key revoked) ends it; the page shows the job's own error
    return () => ctl.abort();
  }, [feed, jobId, generation]);

  return { feed, version, ended };
}
