/**
 * The system status (GPUs, queue, disk, MLflow and Python health) for any view, and whether the
 * app's live stream is connected. The stream (app/live.ts) writes `keys.system`; this hook only
 * fetches it first and polls slowly while the stream is down.
 */
import { create } from 'zustand';
import { useQuery } from '@tanstack/react-query';
import { SystemStatus } from '@shared/schemas/system.js';
import { api } from './client';
import { keys } from './keys';

interface LiveStreamState {
  /** True between the stream's `hello` and its next drop. */
  connected: boolean;
  setConnected(connected: boolean): void;
}

export const useLiveStream = create<LiveStreamState>((set, get) => ({
  connected: false,
  setConnected: (connected) => {
    if (get().connected !== connected) set({ connected });
  },
}));

/** Slow fallback while the live stream is down (it pushes every change while up). */
const FALLBACK_POLL_MS = 10_000;

export function useSystemStatus() {
  const live = useLiveStream((s) => s.connected);
  return useQuery({
    queryKey: keys.system,
    queryFn: ({ signal }) => api.get('/v1/hone/system', SystemStatus, { signal }),
    staleTime: live ? Infinity : FALLBACK_POLL_MS,
    refetchInterval: live ? false : FALLBACK_POLL_MS,
  });
}
