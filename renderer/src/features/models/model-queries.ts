/**
 * Server state of the Models view. Models are not on the app's live stream, so the list is
 * fetched on demand, and only a model that is preparing or downloading is polled (every 2 s,
 * that model alone) until it settles; then the list is refreshed once.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, keys } from '@/api';
import { Model, ModelDeleted, ModelList } from '@shared/schemas/jobs.js';
import { isBusy } from './model-groups';

const PREPARING_POLL_MS = 2_000;
const path = (id: string) => `/v1/models/${encodeURIComponent(id)}`;

export function useModels() {
  return useQuery({ queryKey: keys.models.list, queryFn: ({ signal }) => api.get('/v1/models', ModelList, { signal }) });
}

/** The listed model, or its fresher polled self while it prepares or downloads. */
export function useSettlingModel(listed: Model): Model {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: keys.models.detail(listed.id),
    queryFn: async ({ signal }) => {
      const m = await api.get(path(listed.id), Model, { signal });
      if (!isBusy(m)) void qc.invalidateQueries({ queryKey: keys.models.list });
      return m;
    },
    enabled: isBusy(listed),
    refetchInterval: (query) => (!query.state.data || isBusy(query.state.data) ? PREPARING_POLL_MS : false),
  });
  return isBusy(listed) && q.data ? q.data : listed;
}

/** Looks a Hugging Face id up (the server asks the hub); `id` null = nothing asked yet. */
export function useHubCheck(id: string | null) {
  return useQuery({
    queryKey: keys.models.detail(id ?? ''),
    queryFn: ({ signal }) => api.get(path(id!), Model, { signal }),
    enabled: id !== null,
    retry: false,
    staleTime: 30_000,
  });
}

export function usePrepareModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`${path(id)}/prepare`, Model),
    onSuccess: (m) => {
      qc.setQueryData(keys.models.detail(m.id), m);
      return qc.invalidateQueries({ queryKey: keys.models.list });
    },
    // A failed start is kept on the model (its row shows it): refresh the list either way.
    onError: () => qc.invalidateQueries({ queryKey: keys.models.list }),
  });
}

export function useDeleteModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(path(id), ModelDeleted),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.models.all }),
  });
}
