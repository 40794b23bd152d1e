/**
 * Server state of the offline-packs card: the imports list, polled every second only while an
 * import runs (imports are not on the live stream), and the import mutation.
 */
import { useRef } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, keys } from '@/api';
import { PackImport, PackImportList } from '@shared/schemas/packs.js';

const RUNNING_POLL_MS = 1_000;

export function usePackImports() {
  const qc = useQueryClient();
  const wasRunning = useRef(false);
  return useQuery({
    queryKey: keys.packs,
    queryFn: async ({ signal }) => {
      const list = await api.get('/v1/hone/packs/imports', PackImportList, { signal });
      const running = list.data.some((i) => i.status === 'importing');
      // An import that just finished added a model: the Models view's list is stale.
      if (wasRunning.current && !running) void qc.invalidateQueries({ queryKey: keys.models.all });
      wasRunning.current = running;
      return list;
    },
    refetchInterval: (q) => (q.state.data?.data.some((i) => i.status === 'importing') ? RUNNING_POLL_MS : false),
  });
}

export function useStartImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (path: string) => api.post('/v1/hone/packs/imports', PackImport, { json: { path } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.packs }),
  });
}
