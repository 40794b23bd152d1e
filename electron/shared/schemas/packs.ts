/**
 * Offline packs (Hone extension): a model or benchmark datasets built on a connected machine
 * (`npm run pack`) and imported on an air-gapped workstation from a folder or a `.tar`, or a bare
 * model directory / Hugging Face cache folder imported as it is.
 */
import { z } from 'zod';
import { UnixTime } from './common.js';

/** What `npm run pack` writes as `manifest.json` (format 1). */
export const PackManifest = z.object({
  format: z.literal(1),
  kind: z.enum(['model', 'benchmarks']),
  created_at: z.number().int(),
  items: z.array(z.object({ id: z.string().min(1), path: z.string().min(1), revision: z.string().optional() })).min(1),
  files: z.array(z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() })),
  tasks: z.array(z.string().min(1)).optional(),
});
export type PackManifest = z.infer<typeof PackManifest>;

export const PackImportRequest = z.object({
  /** An absolute path on the machine the server runs on. */
  path: z.string().min(1).max(4096),
});
export type PackImportRequest = z.infer<typeof PackImportRequest>;

export const PackImportStatus = z.enum(['importing', 'succeeded', 'failed']);
export type PackImportStatus = z.infer<typeof PackImportStatus>;

export const PackItem = z.object({
  /** A model id as `GET /v1/models` lists it (`org/name` or a models-dir name), or a dataset's hub id. */
  id: z.string(),
  type: z.enum(['model', 'dataset']),
  revision: z.string().nullable(),
  /** Where it goes: the models dir, or the Hugging Face cache the trainer reads. */
  destination: z.enum(['models_dir', 'hub_cache']),
});
export type PackItem = z.infer<typeof PackItem>;

export const PackImport = z
  .object({
    id: z.string(),
    object: z.literal('hone.pack_import'),
    path: z.string(),
    /** How the path was read: a pack folder or tar (manifest.json, hashes checked), a model dir, a hub cache folder. */
    source: z.enum(['pack', 'tar', 'model_dir', 'hub_cache']),
    kind: z.enum(['model', 'benchmarks']),
    items: z.array(PackItem),
    /** lm-eval tasks a benchmarks pack makes available offline. */
    tasks: z.array(z.string()),
    status: PackImportStatus,
    progress: z.object({ bytes_done: z.number().int(), bytes_total: z.number().int(), files_done: z.number().int(), files_total: z.number().int() }),
    created_at: UnixTime,
    finished_at: UnixTime.nullable(),
    error: z.object({ message: z.string(), code: z.string() }).nullable(),
  })
  .meta({ id: 'PackImport' });
export type PackImport = z.infer<typeof PackImport>;

export const PackImportList = z.object({ object: z.literal('list'), data: z.array(PackImport) });
export type PackImportList = z.infer<typeof PackImportList>;

export const PackImportParams = z.object({ id: z.string().min(1) });
