/**
 * Hone extensions for looking inside and editing fine-tune files without downloading them:
 * paged examples (backed by a line-offset index built once per file), derived files (edits applied
 * while streaming the original), and the built-in sample datasets.
 */
import { z } from 'zod';
import { DatasetContainer } from './validation.js';

/** `GET /v1/files/{id}/examples?offset&limit&max_bytes` */
export const ExamplesQuery = z.object({
  /** 0-based index of the first example. */
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Longer examples are cut to this many bytes (`truncated: true`); 0 = never cut ("show all"). */
  max_bytes: z.coerce.number().int().min(0).max(256 * 1024 * 1024).default(256 * 1024),
});
export type ExamplesQuery = z.infer<typeof ExamplesQuery>;

export const DatasetExample = z
  .object({
    /** 0-based example index (blank JSONL lines are not examples). */
    index: z.number().int().nonnegative(),
    /** 1-based line in the file where the example starts (what validation messages name). */
    line: z.number().int().positive(),
    /** Size of the example's raw text in bytes. */
    bytes: z.number().int().nonnegative(),
    /** The example's raw JSON text (one JSONL line, or one JSON-array element), possibly cut. */
    text: z.string(),
    truncated: z.boolean(),
  })
  .meta({ id: 'DatasetExample' });
export type DatasetExample = z.infer<typeof DatasetExample>;

export const ExamplePage = z
  .object({
    object: z.literal('list'),
    file_id: z.string(),
    data: z.array(DatasetExample),
    offset: z.number().int().nonnegative(),
    /** Examples in the file; null while the index is still being built (the page is still served). */
    total: z.number().int().nonnegative().nullable(),
    /** Bytes of the file indexed so far, for a progress bar while `total` is null. */
    indexed_bytes: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    container: DatasetContainer.nullable(),
    has_more: z.boolean(),
    /** Set when the file is not JSON Lines or a JSON array of objects: the editor opens read-only. */
    read_only_reason: z.string().nullable(),
  })
  .meta({ id: 'ExamplePage' });
export type ExamplePage = z.infer<typeof ExamplePage>;

/** One change to a file, by 0-based example index of the original. */
export const ExampleEdit = z.discriminatedUnion('op', [
  /** Replace example `index` with `example` (one JSON object as text, no newline). */
  z.object({ op: z.literal('replace'), index: z.number().int().nonnegative(), example: z.string().min(1) }),
  z.object({ op: z.literal('delete'), index: z.number().int().nonnegative() }),
  /** Insert `examples` after original example `after` (-1 = at the start). */
  z.object({ op: z.literal('insert'), after: z.number().int().min(-1), examples: z.array(z.string().min(1)).min(1) }),
]);
export type ExampleEdit = z.infer<typeof ExampleEdit>;

/** `POST /v1/files/{id}/derive`: a new file = the original with the edits applied, always JSON Lines. */
export const DeriveFileBody = z
  .object({
    /** Default: `<stem>.edited-<n>.jsonl`. */
    filename: z.string().min(1).max(255).optional(),
    edits: z.array(ExampleEdit).max(100_000),
    /** A bulk weight rule applied to every chat example on save, after the edits (electron/shared/datasets applyWeightRule). */
    weights: z.enum(['last_assistant_only', 'all_assistant']).optional(),
  })
  .meta({ id: 'DeriveFileRequest' });
export type DeriveFileBody = z.infer<typeof DeriveFileBody>;

/** `GET /v1/hone/samples`: datasets that ship with Hone. */
export const SampleDataset = z.object({
  name: z.string(),
  description: z.string(),
  format: z.enum(['chat', 'preference']),
  examples: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type SampleDataset = z.infer<typeof SampleDataset>;
export const SampleList = z.object({ object: z.literal('list'), data: z.array(SampleDataset) }).meta({ id: 'ListSamplesResponse' });
export const SampleParams = z.object({ name: z.string().min(1).max(128) });
