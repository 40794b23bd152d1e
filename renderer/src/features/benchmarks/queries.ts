/**
 * Server state of the Benchmarks views. The app's live stream keeps `keys.benchmarks.detail(id)`,
 * `keys.jobs.detail(id)` and the lists fresh; only while it is down does an active run refetch,
 * every 10 s.
 */
import { useMemo } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api, keys, useLiveStream, useSystemStatus } from '@/api';
import { Benchmark, BenchmarkList, FineTuningJob, JobEventList, JobList, ModelList } from '@shared/schemas/jobs.js';
import { isActive, mergeRuns, runFromBenchmark, runFromJob, type BenchmarkRun } from './runs';

const FALLBACK_MS = 10_000;
const LIST_LIMIT = 100;

/** Every benchmark run: on demand and after jobs, newest first (the newest 100 of each). */
/** The refetch interval of an active run's query: none while the live stream pushes changes. */
function useFallback(): (active: boolean) => number | false {
  const live = useLiveStream((st) => st.connected);
  return (active) => (active && !live ? FALLBACK_MS : false);
}

export function useBenchmarkRuns() {
  const fallback = useFallback();
  const benchmarks = useQuery({
    queryKey: keys.benchmarks.list({ limit: LIST_LIMIT }),
    queryFn: ({ signal }) => api.get('/v1/benchmarks', BenchmarkList, { query: { limit: LIST_LIMIT }, signal }),
    refetchInterval: (q) => fallback(Boolean(q.state.data?.data.some((b) => isActive(b.status)))),
  });
  const jobs = useQuery({
    queryKey: keys.jobs.list({ limit: LIST_LIMIT }),
    queryFn: ({ signal }) => api.get('/v1/fine_tuning/jobs', JobList, { query: { limit: LIST_LIMIT }, signal }),
    refetchInterval: (q) => fallback(Boolean(q.state.data?.data.some((j) => j.hone.benchmark?.status === 'running'))),
  });
  const runs = useMemo(() => mergeRuns(benchmarks.data?.data ?? [], jobs.data?.data ?? []), [benchmarks.data, jobs.data]);
  return {
    runs,
    isPending: benchmarks.isPending || jobs.isPending,
    error: benchmarks.error ?? jobs.error,
    refetch: () => void Promise.all([benchmarks.refetch(), jobs.refetch()]),
    truncated: Boolean(benchmarks.data?.has_more || jobs.data?.has_more),
  };
}

/** One run by id: an on-demand benchmark (`bench-…`) or the benchmark step of a job (any other id). */
export function useBenchmarkRun(id: string): {
  run: BenchmarkRun | null;
  /** For a job: the job itself (its benchmark comes after training). */
  job: FineTuningJob | null;
  isPending: boolean;
  error: unknown;
  /** When the run last changed here (the live stream or a refetch). */
  updatedAt: number;
  refetch: () => void;
} {
  const onDemand = id.startsWith('bench-');
  const fallback = useFallback();
  const bench = useQuery({
    queryKey: keys.benchmarks.detail(id),
    queryFn: ({ signal }) => api.get(`/v1/benchmarks/${encodeURIComponent(id)}`, Benchmark, { signal }),
    enabled: onDemand,
    refetchInterval: (q) => fallback(Boolean(q.state.data && isActive(q.state.data.status))),
  });
  const job = useQuery({
    queryKey: keys.jobs.detail(id),
    queryFn: ({ signal }) => api.get(`/v1/fine_tuning/jobs/${encodeURIComponent(id)}`, FineTuningJob, { signal }),
    enabled: !onDemand,
    refetchInterval: (q) => {
      const j = q.state.data;
      return fallback(Boolean(j && (isActive(j.status) || j.hone.benchmark?.status === 'running')));
    },
  });
  const q = onDemand ? bench : job;
  const run = useMemo(() => (onDemand ? (bench.data ? runFromBenchmark(bench.data) : null) : job.data ? runFromJob(job.data) : null), [onDemand, bench.data, job.data]);
  return { run, job: job.data ?? null, isPending: q.isPending, error: q.error, updatedAt: q.dataUpdatedAt, refetch: () => void q.refetch() };
}

/** The newest events of a run (newest first). The view refetches them when the live stream reports a change; every 10 s while the stream is down. */
export function useRecentEvents(id: string, active: boolean) {
  const fallback = useFallback();
  return useQuery({
    queryKey: [...keys.jobs.events(id), { limit: 20 }],
    queryFn: ({ signal }) => api.get(`/v1/fine_tuning/jobs/${encodeURIComponent(id)}/events`, JobEventList, { query: { limit: 20 }, signal }),
    refetchInterval: fallback(active),
  });
}

export function useModels() {
  return useQuery({ queryKey: keys.models.list, queryFn: ({ signal }) => api.get('/v1/models', ModelList, { signal }) });
}

/** CPU or GPU machine (the form's defaults differ); null until known. */
export function useSystemMode() {
  return useSystemStatus().data?.gpus.mode ?? null;
}

export const CreateBenchmark = z.object({
  model: z.string(),
  suites: z.union([z.boolean(), z.record(z.string(), z.unknown())]),
});

export function useCreateBenchmark() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: z.infer<typeof CreateBenchmark>) => api.post('/v1/benchmarks', Benchmark, { json: body }),
    onSuccess: (b) => {
      qc.setQueryData(keys.benchmarks.detail(b.id), b);
      void qc.invalidateQueries({ queryKey: keys.benchmarks.lists });
    },
  });
}
