/**
 * Server state of the Jobs views. The app's live stream (app/live.ts) writes every job change into
 * `keys.jobs.detail(id)` and the cached lists, so nothing here polls while it is connected; while
 * it is down a 10 s refetch is the fallback.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, keys, useLiveStream } from '@/api';
import { FineTuningJob, JobCheckpointList, JobEventList, JobList } from '@shared/schemas/jobs.js';
import { OpenAIFile } from '@shared/schemas/files.js';
import { listQuery, type StatusFilter } from './list-params';
import type { JobAction } from './job-actions';

const FALLBACK_MS = 10_000;
const jobPath = (id: string) => `/v1/fine_tuning/jobs/${encodeURIComponent(id)}`;

function useFallback(): number | false {
  return useLiveStream((s) => s.connected) ? false : FALLBACK_MS;
}

/** One page after another (`has_more` / `after`); the live stream patches rows in place. */
export function useJobList(filter: StatusFilter) {
  const fallback = useFallback();
  return useInfiniteQuery({
    // `view` keeps this infinite list apart from plain lists other views cache under keys.jobs.list.
    queryKey: keys.jobs.list({ view: 'jobs', status: filter.value }),
    queryFn: ({ signal, pageParam }) => api.get('/v1/fine_tuning/jobs', JobList, { query: listQuery(filter, pageParam), signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? last.data.at(-1)?.id : undefined),
    refetchInterval: fallback,
  });
}

export function useJob(id: string) {
  const fallback = useFallback();
  return useQuery({
    queryKey: keys.jobs.detail(id),
    queryFn: ({ signal }) => api.get(jobPath(id), FineTuningJob, { signal }),
    refetchInterval: fallback,
  });
}

/** A file's name and size (immutable: fetched once). */
export function useFile(id: string | null) {
  return useQuery({
    queryKey: keys.files.detail(id ?? ''),
    queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(id!)}`, OpenAIFile, { signal }),
    enabled: !!id,
    staleTime: Infinity,
    retry: false,
  });
}

/** Newest first, `after` the last one shown. */
export function useJobEvents(id: string) {
  return useInfiniteQuery({
    queryKey: keys.jobs.events(id),
    queryFn: ({ signal, pageParam }) => api.get(`${jobPath(id)}/events`, JobEventList, { query: { limit: 20, after: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? last.data.at(-1)?.id : undefined),
    staleTime: Infinity, // newer events arrive through the job's event stream (job-feed.ts)
  });
}

export function useCheckpoints(id: string) {
  return useInfiniteQuery({
    queryKey: keys.jobs.checkpoints(id),
    queryFn: ({ signal, pageParam }) => api.get(`${jobPath(id)}/checkpoints`, JobCheckpointList, { query: { limit: 20, after: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? (last.last_id ?? undefined) : undefined),
    staleTime: Infinity, // refetched when the event stream reports a new checkpoint
  });
}

/** Cancel, pause or resume; the answer is the job as it is now. */
export function useJobAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (action: JobAction) => api.post(`${jobPath(id)}/${action}`, FineTuningJob),
    onSuccess: (job) => {
      qc.setQueryData(keys.jobs.detail(id), job);
      void qc.invalidateQueries({ queryKey: keys.jobs.lists });
    },
  });
}
