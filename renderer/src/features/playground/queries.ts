/** Server state of the playground: the models to chat with and a dataset example to load. */
import { useQuery } from '@tanstack/react-query';
import { ExamplePage, type DatasetExample } from '@shared/schemas/datasets.js';
import { OpenAIFile } from '@shared/schemas/files.js';
import { ModelList } from '@shared/schemas/jobs.js';
import { api, keys } from '@/api';

export function useModels() {
  return useQuery({ queryKey: keys.models.list, queryFn: ({ signal }) => api.get('/v1/models', ModelList, { signal }) });
}

const examplesPath = (file: string) => `/v1/files/${encodeURIComponent(file)}/examples`;

/**
 * The example that starts at 1-based `line` of the file (what the editor and validation show).
 * Without blank lines that is example `line − 1`; with them it sits earlier, so the page of
 * examples before that index is searched, then the example is read in full.
 */
async function exampleAtLine(file: string, line: number, signal: AbortSignal): Promise<DatasetExample> {
  const guess = (await api.get(examplesPath(file), ExamplePage, { query: { offset: line - 1, limit: 1, max_bytes: 0 }, signal })).data[0];
  if (guess?.line === line) return guess;
  const from = Math.max(0, line - 100);
  const page = await api.get(examplesPath(file), ExamplePage, { query: { offset: from, limit: 100, max_bytes: 64 }, signal });
  const hit = page.data.find((e) => e.line === line);
  if (!hit) throw new Error(`No example starts at line ${line} of this file.`);
  return (await api.get(examplesPath(file), ExamplePage, { query: { offset: hit.index, limit: 1, max_bytes: 0 }, signal })).data[0]!;
}

export function useExample(file: string | null, line: number | null) {
  return useQuery({
    queryKey: keys.playgroundExample(file ?? '', line ?? 0),
    queryFn: ({ signal }) => exampleAtLine(file!, line!, signal),
    enabled: !!file && line !== null && line > 0,
    staleTime: Infinity,
    retry: false,
  });
}

export function useFileName(file: string | null) {
  return useQuery({
    queryKey: keys.files.detail(file ?? ''),
    queryFn: ({ signal }) => api.get(`/v1/files/${encodeURIComponent(file!)}`, OpenAIFile, { signal }),
    enabled: !!file,
    staleTime: Infinity,
    retry: false,
  });
}
