/**
 * The app's one live stream (`GET /v1/hone/live`), mounted once in the Frame. It writes what the
 * server pushes into the query cache the views read — a job's detail, its row in every cached list,
 * the system status — so no view polls. Lists are refetched (at most once a second) only when a
 * job appears that they may not hold yet or changes status (a status filter may now include it).
 */
import { useEffect } from 'react';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { LiveJobUpdate, SystemStatus } from '@shared/schemas/system.js';
import { EnvironmentStatus } from '@shared/schemas/environment.js';
import { api, keys, useConnection, useLiveStream } from '@/api';
import { queryClient } from './query-client';

const LIST_REFRESH_MS = 1_000;

interface Item {
  id: string;
  status?: string;
}

/** Replaces the item with `item.id` in a list answer (`{data}`) or an infinite one (`{pages: [{data}]}`). */
export function patchList(old: unknown, item: Item): { next: unknown; before: Item | null } {
  let before: Item | null = null;
  const patch = (page: unknown) => {
    const data = (page as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return page;
    const i = (data as Item[]).findIndex((x) => x?.id === item.id);
    if (i < 0) return page;
    before = data[i] as Item;
    const copy = data.slice();
    copy[i] = item;
    return { ...(page as object), data: copy };
  };
  const pages = (old as { pages?: unknown } | null)?.pages;
  const next = Array.isArray(pages) ? { ...(old as object), pages: pages.map(patch) } : patch(old);
  return { next, before };
}

/** Leading and trailing: the first call runs now, later ones within `ms` fold into one at the end. */
export function throttle(fn: () => void, ms: number): { run(): void; cancel(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  return {
    run() {
      if (timer) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

export function applyJob(qc: QueryClient, u: LiveJobUpdate, refreshLists: () => void, announced: Set<string>): void {
  const job = u.job;
  const detail = u.kind === 'job' ? keys.jobs.detail(job.id) : keys.benchmarks.detail(job.id);
  const lists: QueryKey = u.kind === 'job' ? keys.jobs.lists : keys.benchmarks.lists;
  qc.setQueryData(detail, job);
  let held = false;
  let statusChanged = false;
  for (const [key, data] of qc.getQueriesData({ queryKey: lists })) {
    const { next, before } = patchList(data, job);
    if (!before) continue;
    held = true;
    if (before.status !== job.status) statusChanged = true;
    qc.setQueryData(key, next);
  }
  // Once per (job, status): an old job outside every cached page does not refetch lists on each step.
  const mark = `${job.id}|${job.status}`;
  if (statusChanged || (!held && !announced.has(mark))) {
    announced.add(mark);
    refreshLists();
  }
}

export function useLiveUpdates(): void {
  useEffect(() => {
    const qc = queryClient;
    let ctl = new AbortController();
    const { setConnected } = useLiveStream.getState();
    const announced = new Set<string>();
    const jobLists = throttle(() => void qc.invalidateQueries({ queryKey: keys.jobs.lists }), LIST_REFRESH_MS);
    const benchLists = throttle(() => void qc.invalidateQueries({ queryKey: keys.benchmarks.lists }), LIST_REFRESH_MS);
    let hellos = 0;
    // The server went away: the open stream may hang without an error, so it is dropped, and a
    // fresh one (with its hello) is opened once any request gets through again.
    const offConnection = useConnection.subscribe((s, prev) => {
      if (s.status === 'reconnecting') setConnected(false);
      if (s.status === 'online' && prev.status === 'reconnecting' && !useLiveStream.getState().connected) {
        ctl.abort();
        ctl = new AbortController();
        open(ctl.signal);
      }
    });
    function open(signal: AbortSignal): void {
      void api
        .stream('/v1/hone/live', {
          signal,
          onEvent: (e) => {
            let data: unknown;
            try {
              data = JSON.parse(e.data);
            } catch {
              return;
            }
            if (e.event === 'hello') {
              setConnected(true);
              // A reconnect: whatever changed while the stream was down is refetched once.
              if (++hellos > 1) {
                void qc.invalidateQueries({ queryKey: keys.jobs.all });
                void qc.invalidateQueries({ queryKey: keys.benchmarks.all });
                void qc.invalidateQueries({ queryKey: keys.environment, exact: true });
              }
            } else if (e.event === 'system') {
              const st = SystemStatus.safeParse(data);
              if (st.success) qc.setQueryData(keys.system, st.data);
            } else if (e.event === 'environment') {
              const env = EnvironmentStatus.safeParse(data);
              // An answer this build cannot read: ask again rather than keep showing a stale run.
              if (env.success) qc.setQueryData(keys.environment, env.data);
              else void qc.invalidateQueries({ queryKey: keys.environment, exact: true });
            } else if (e.event === 'job') {
              const u = LiveJobUpdate.safeParse(data);
              if (u.success) applyJob(qc, u.data, u.data.kind === 'job' ? jobLists.run : benchLists.run, announced);
            }
          },
        })
        // A 4xx (the key was revoked: the app signs out) ends the stream; nothing else to do here.
        .catch(() => undefined)
        .finally(() => signal === ctl.signal && setConnected(false));
    }
    open(ctl.signal);
    return () => {
      ctl.abort();
      offConnection();
      jobLists.cancel();
      benchLists.cancel();
      setConnected(false);
    };
  }, []);
}
