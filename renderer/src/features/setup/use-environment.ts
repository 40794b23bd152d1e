/**
 * The Python environment from the server: one GET, then the live stream's `environment` events
 * (app/live.ts writes `keys.environment`); a slow poll only while the stream is down.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { EnvHardwareInfo, EnvironmentStatus, type EnvRunBody } from '@shared/schemas/environment.js';
import { api, keys, useLiveStream } from '@/api';

const FALLBACK_POLL_MS = 3_000;
const CHECKING_POLL_MS = 2_000;

export function useEnvironment() {
  const live = useLiveStream((s) => s.connected);
  return useQuery({
    queryKey: keys.environment,
    queryFn: ({ signal }) => api.get('/v1/hone/environment', EnvironmentStatus, { signal }),
    staleTime: live ? Infinity : FALLBACK_POLL_MS,
    // While the server's first check runs, ask again now and then too (its push may precede the stream).
    refetchInterval: (q) => (q.state.data?.checking ? CHECKING_POLL_MS : live ? false : FALLBACK_POLL_MS),
  });
}

/** The installer's hardware detection (cached by the server; seconds the first time). */
export function useHardware() {
  return useQuery({
    queryKey: [...keys.environment, 'hardware'],
    queryFn: ({ signal }) => api.get('/v1/hone/environment/hardware', EnvHardwareInfo, { signal }),
    staleTime: Infinity,
    retry: false,
  });
}

export function useStartRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: EnvRunBody) => api.post('/v1/hone/environment/runs', EnvironmentStatus, { json: body }),
    onSuccess: (s) => qc.setQueryData(keys.environment, s),
  });
}

export function useCancelRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post('/v1/hone/environment/runs/current/cancel', EnvironmentStatus),
    onSuccess: (s) => qc.setQueryData(keys.environment, s),
  });
}
