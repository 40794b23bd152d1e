/**
 * Server state of exports (merged, GGUF, LoRA GGUF, Ollama): a model's list, polled every second
 * while one of them is queued or running (exports are not on the live stream), an export's events,
 * starting and cancelling one.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ExportEventList, ExportList, ExportObject, type CreateExportBody, type ExportObject as Export } from '@shared/schemas/exports.js';
import { api, keys } from '@/api';

const POLL_MS = 1_000;
const modelPath = (model: string) => `/v1/models/${encodeURIComponent(model)}/exports`;
export const isActive = (e: Export) => e.status === 'queued' || e.status === 'running';

export function useExports(model: string | null) {
  return useQuery({
    queryKey: keys.exports.list(model ?? ''),
    queryFn: ({ signal }) => api.get(modelPath(model!), ExportList, { signal }),
    enabled: !!model,
    refetchInterval: (q) => (q.state.data?.data.some(isActive) ? POLL_MS : false),
  });
}

/** Events of one export, oldest first; polled with the list while it runs. */
export function useExportEvents(id: string, active: boolean) {
  return useQuery({
    queryKey: keys.exports.events(id),
    queryFn: ({ signal }) => api.get(`/v1/hone/exports/${encodeURIComponent(id)}/events`, ExportEventList, { signal }),
    refetchInterval: active ? POLL_MS : false,
  });
}

export function useStartExport(model: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateExportBody) => api.post(modelPath(model), ExportObject, { json: body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.exports.list(model) }),
  });
}

export function useCancelExport(model: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`/v1/hone/exports/${encodeURIComponent(id)}/cancel`, ExportObject),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.exports.list(model) }),
  });
}
