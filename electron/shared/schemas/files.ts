import { z } from 'zod';
import { UnixTime, SortOrder } from './common.js';
import { FILE_EXPIRY_MAX_S, FILE_EXPIRY_MIN_S } from '../constants.js';

/** Purposes OpenAI documents for uploads; the seed also used others (e.g. `embedding`). */
export const KNOWN_PURPOSES = [
  'assistants',
  'batch',
  'fine-tune',
  'vision',
  'user_data',
  'evals',
  'embedding',
] as const;
/** Purposes only the server assigns (never accepted on upload). */
export const OUTPUT_PURPOSES = ['assistants_output', 'batch_output', 'fine-tune-results'] as const;

export const UploadPurpose = z.enum(KNOWN_PURPOSES);
export const FilePurpose = z.enum([...KNOWN_PURPOSES, ...OUTPUT_PURPOSES]);
export type FilePurpose = z.infer<typeof FilePurpose>;

export const FileStatus = z.enum(['uploaded', 'processed', 'error']);
export type FileStatus = z.infer<typeof FileStatus>;

export const OpenAIFile = z
  .object({
    id: z.string(),
    object: z.literal('file'),
    bytes: z.number().int().nonnegative(),
    created_at: UnixTime,
    expires_at: UnixTime.nullable(),
    filename: z.string(),
    purpose: FilePurpose,
    status: FileStatus,
    status_details: z.string().nullable(),
    /** Seed extra: md5 hex of the content. */
    checksum: z.string().regex(/^[0-9a-f]{32}$/),
    /** Hone extra: sha256 hex of the content. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .meta({ id: 'OpenAIFile' });
export type OpenAIFile = z.infer<typeof OpenAIFile>;

export const FileList = z
  .object({
    object: z.literal('list'),
    data: z.array(OpenAIFile),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
    /** Hone extra: files matching the filters (all pages). */
    total: z.number().int().nonnegative().optional(),
  })
  .meta({ id: 'ListFilesResponse' });
export type FileList = z.infer<typeof FileList>;

export const FileListQuery = z.object({
  purpose: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10000).default(10000),
  order: SortOrder.default('desc'),
  after: z.string().min(1).optional(),
  /** Hone extras for the app's file list: name/id search, sort key, and offset pages. */
  q: z.string().min(1).max(256).optional(),
  sort: z.enum(['created_at', 'filename', 'bytes']).default('created_at'),
  offset: z.coerce.number().int().min(0).optional(),
});
export type FileListQuery = z.infer<typeof FileListQuery>;

export const FileDeleted = z
  .object({ id: z.string(), object: z.literal('file'), deleted: z.boolean() })
  .meta({ id: 'DeleteFileResponse' });

export const FileIdParams = z.object({ file_id: z.string().min(1).max(512) });

/** `expires_after` as the SDKs send it (bracketed multipart fields or a JSON object). */
export const ExpiresAfter = z.object({
  anchor: z.literal('created_at'),
  seconds: z.coerce.number().int().min(FILE_EXPIRY_MIN_S).max(FILE_EXPIRY_MAX_S),
});
export type ExpiresAfter = z.infer<typeof ExpiresAfter>;
