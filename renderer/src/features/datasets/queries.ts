/** Server state for the editor (TanStack Query; keys prefixed with the resource). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DatasetExample, ExamplePage, SampleList, type DeriveFileBody } from '@shared/schemas/datasets.js';
import { OpenAIFile } from '@shared/schemas/files.js';
import { ModelList } from '@shared/schemas/jobs.js';
import { ModelTokenizer } from '@shared/schemas/tokenizer.js';
import { ValDatasetResponse } from '@shared/schemas/validation.js';
import { api } from '@/api';

export const PAGE_SIZE = 100;

export function useFile(fileId: string | null) {
  return useQuery({
    queryKey: ['files', fileId],
    queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(fileId!)}`, OpenAIFile, { signal }),
    enabled: !!fileId,
  });
}

/**
 * One page of 100 examples, as the list and the editor both read it. Pages scrolled out of view
 * are dropped after 30 s (edits live in the session, not here), so scrolling through a 1 GB file
 * never accumulates it in the tab.
 */
export const examplePageQuery = (fileId: string | null, page: number) => ({
  queryKey: ['files', fileId, 'examples', page],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    api.get(`/v1/files/${encodeURIComponent(fileId!)}/examples`, ExamplePage, { query: { offset: page * PAGE_SIZE, limit: PAGE_SIZE }, signal }),
  enabled: !!fileId,
  staleTime: Infinity,
  gcTime: 30_000,
});

/** A page; the index may still be building (total null): poll until it is done. */
export function useExamplePage(fileId: string | null, page: number, enabled = true) {
  return useQuery({
    ...examplePageQuery(fileId, page),
    enabled: !!fileId && enabled,
    refetchInterval: (q) => (q.state.data && q.state.data.total === null ? 500 : false),
  });
}

/** One example in full (max_bytes=0), for "Show all" on a cut one. */
export function useFullExample(fileId: string | null, index: number | null) {
  return useQuery({
    queryKey: ['files', fileId, 'example-full', index],
    queryFn: async ({ signal }) => {
      const p = await api.get(`/v1/files/${encodeURIComponent(fileId!)}/examples`, ExamplePage, { query: { offset: index!, limit: 1, max_bytes: 0 }, signal });
      return DatasetExample.parse(p.data[0]);
    },
    enabled: !!fileId && index !== null,
    staleTime: Infinity,
  });
}

export function useValidationReport(fileId: string | null) {
  return useQuery({
    queryKey: ['files', fileId, 'validation'],
    queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(fileId!)}/validation`, ValDatasetResponse, { signal }),
    enabled: !!fileId,
    staleTime: 60_000,
  });
}

export function useModels() {
  return useQuery({ queryKey: ['models'], queryFn: ({ signal }) => api.get('/v1/models', ModelList, { signal }) });
}

/** The model's tokenizer files; a built-in answers `preparing` (202) first: poll every second. */
export function useTokenizer(model: string | null) {
  return useQuery({
    queryKey: ['models', model, 'tokenizer'],
    queryFn: ({ signal }) => api.get(`/v1/models/${encodeURIComponent(model!)}/tokenizer`, ModelTokenizer, { signal }),
    enabled: !!model,
    staleTime: Infinity,
    placeholderData: keepPreviousData,
    // Poll while preparing; a failed preparation (503) stops the polling and shows its message.
    refetchInterval: (q) => (!q.state.error && q.state.data?.status === 'preparing' ? 1000 : false),
  });
}

export function useDerive(fileId: string | null) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: DeriveFileBody) => api.post(`/v1/files/${encodeURIComponent(fileId!)}/derive`, OpenAIFile, { json: body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['files', 'list'] }),
  });
}

/** A new dataset from scratch: upload its JSONL as a fine-tune file. */
export function useUploadJsonl() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, jsonl }: { name: string; jsonl: string }) => {
      const form = new FormData();
      form.set('purpose', 'fine-tune');
      form.set('file', new Blob([jsonl], { type: 'application/jsonl' }), name);
      return api.send('POST', '/v1/files', form, OpenAIFile);
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['files', 'list'] }),
  });
}

export function useSamples() {
  return useQuery({ queryKey: ['samples'], queryFn: ({ signal }) => api.get('/v1/hone/samples', SampleList, { signal }) });
}

export function useImportSample() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post(`/v1/hone/samples/${encodeURIComponent(name)}/import`, OpenAIFile),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['files', 'list'] }),
  });
}
