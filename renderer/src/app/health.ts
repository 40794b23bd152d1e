/** The one health poll of the app: slow while online, every second while reconnecting. */
import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { HealthResponse } from '@shared/schemas/common.js';
import { api, useConnection } from '@/api';
import { queryClient } from './query-client';

export function useHealth() {
  const status = useConnection((s) => s.status);
  const q = useQuery({
    queryKey: ['health'],
    queryFn: () => api.get('/', HealthResponse.or(z.unknown())),
    refetchInterval: status === 'online' ? 15_000 : 1_000,
    retry: false,
  });
  // Back online: everything on screen may be stale.
  useEffect(
    () =>
      useConnection.subscribe((s, prev) => {
        if (s.status === 'online' && prev.status === 'reconnecting') void queryClient.invalidateQueries();
      }),
    [],
  );
  return { status, ok: q.isSuccess && status === 'online' };
}
