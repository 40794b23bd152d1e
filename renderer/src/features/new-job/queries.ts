/** Server state of the wizard (TanStack Query; every key from @/api keys). */
import { useEffect, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, keys, useSystemStatus } from '@/api';
import { FileList, OpenAIFile } from '@shared/schemas/files.js';
import { SampleList } from '@shared/schemas/datasets.js';
import { FineTuningJob, Model, ModelList, type CreateJobBody } from '@shared/schemas/jobs.js';
import { JobEstimate } from '@shared/schemas/estimate.js';
import { ValDatasetResponse } from '@shared/schemas/validation.js';
import { Settings } from '@shared/schemas/settings.js';

export const PICKER_LIMIT = 20;

export function useModels() {
  return useQuery({ queryKey: keys.models.list, queryFn: ({ signal }) => api.get('/v1/models', ModelList, { signal }) });
}

/** A typed Hugging Face id, looked up once typing pauses (the server answers for hub ids too). */
export function useModelLookup(id: string) {
  const debounced = useDebounced(id.trim(), 500);
  return useQuery({
    queryKey: keys.models.detail(debounced),
    queryFn: ({ signal }) => api.get(`/v1/models/${encodeURIComponent(debounced)}`, Model, { signal }),
    enabled: debounced !== '',
    staleTime: 60_000,
  });
}

/** Fine-tune files, newest first, searched by name on the server; re-polled while one is still being validated. */
export function useFineTuneFiles(q: string) {
  const query = { purpose: 'fine-tune', limit: PICKER_LIMIT, offset: 0, sort: 'created_at', order: 'desc', ...(q.trim() ? { q: q.trim() } : {}) };
  return useQuery({
    queryKey: keys.files.list(query),
    queryFn: ({ signal }) => api.get('/v1/files', FileList, { query, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: (qr) => (qr.state.data?.data.some((f) => f.status === 'uploaded') ? 2000 : false),
  });
}

/** A file's latest validation report (stored once validated; never asked while it is still validating). */
export function useFileReport(file: OpenAIFile | undefined) {
  return useQuery({
    queryKey: keys.files.validation(file?.id ?? ''),
    queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(file!.id)}/validation`, ValDatasetResponse, { signal }),
    enabled: !!file && file.status !== 'uploaded',
    staleTime: 60_000,
  });
}


/** The GPU inventory and queue, from the system status the live stream keeps fresh. */
export function useGpus() {
  const system = useSystemStatus();
  return { data: system.data?.gpus, error: system.error };
}

export function useSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: ({ signal }) => api.get('/v1/hone/settings', Settings, { signal }) });
}

/** The server's dry run of exactly this body, once typing pauses; the last answer stays while the next loads. */
export function useEstimate(body: CreateJobBody | null) {
  const debounced = useDebounced(body, 400);
  return useQuery({
    queryKey: keys.jobs.estimate(debounced ?? {}),
    queryFn: ({ signal }) => api.post('/v1/hone/estimate', JobEstimate, { json: debounced, signal }),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
}

export function useCreateJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateJobBody) => api.post('/v1/fine_tuning/jobs', FineTuningJob, { json: body }),
    onSuccess: (job) => {
      qc.setQueryData(keys.jobs.detail(job.id), job);
      void qc.invalidateQueries({ queryKey: keys.jobs.lists });
    },
  });
}

/** `value`, once it has stayed the same for `ms` (compared by JSON, so equal bodies do not restart the wait). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  const json = JSON.stringify(value);
  useEffect(() => {
    const t = setTimeout(() => setV(JSON.parse(json ?? 'null') as T), ms);
    return () => clearTimeout(t);
  }, [json, ms]);
  return v;
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** One file (the chosen one, shown even when the current search does not list it). */
export function useFile(id: string) {
  return useQuery({ queryKey: keys.files.detail(id), queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(id)}`, OpenAIFile, { signal }), enabled: id !== '' });
}

export function useSamples(enabled: boolean) {
  return useQuery({ queryKey: keys.samples, queryFn: ({ signal }) => api.get('/v1/hone/samples', SampleList, { signal }), enabled, staleTime: Infinity });
}

export function useImportSample() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post(`/v1/hone/samples/${encodeURIComponent(name)}/import`, OpenAIFile),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.files.lists }),
  });
}
