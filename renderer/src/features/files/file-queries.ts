/** Server state of the Files view (TanStack Query; keys start with the resource). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/api';
import { FileDeleted, FileList, OpenAIFile } from '@shared/schemas/files.js';
import { SampleList } from '@shared/schemas/datasets.js';
import { listQuery, type ListState } from './list-params';

export function useFileList(state: ListState) {
  const query = listQuery(state);
  return useQuery({
    queryKey: ['files', 'list', query],
    queryFn: ({ signal }) => api.get('/v1/files', FileList, { query, signal }),
    placeholderData: keepPreviousData, // the table stays put while the next page loads
  });
}

/**
 * A row whose status is `uploaded` is still being validated: poll that one file (not the whole
 * list) until it settles, then refresh the list once.
 */
export function useSettlingFile(file: OpenAIFile): OpenAIFile {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['files', 'one', file.id],
    queryFn: async ({ signal }) => {
      const f = await api.get(`/v1/files/${encodeURIComponent(file.id)}`, OpenAIFile, { signal });
      if (f.status !== 'uploaded') void qc.invalidateQueries({ queryKey: ['files', 'list'] });
      return f;
    },
    enabled: file.status === 'uploaded',
    refetchInterval: (query) => (query.state.data?.status === 'uploaded' || !query.state.data ? 1000 : false),
  });
  return file.status === 'uploaded' && q.data ? q.data : file;
}

export function useDeleteFile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/v1/files/${encodeURIComponent(id)}`, FileDeleted),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['files'] }),
  });
}

export function useSamples(enabled: boolean) {
  return useQuery({ queryKey: ['samples'], queryFn: ({ signal }) => api.get('/v1/hone/samples', SampleList, { signal }), enabled, staleTime: Infinity });
}

export function useImportSample() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post(`/v1/hone/samples/${encodeURIComponent(name)}/import`, OpenAIFile),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['files'] }),
  });
}
