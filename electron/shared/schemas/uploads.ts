import { z } from 'zod';
import { UnixTime } from './common.js';
import { OpenAIFile, UploadPurpose, ExpiresAfter } from './files.js';
import { MAX_UPLOAD_BYTES } from '../constants.js';

export const UploadStatus = z.enum(['pending', 'completed', 'cancelled', 'expired']);
export type UploadStatus = z.infer<typeof UploadStatus>;

export const Upload = z
  .object({
    id: z.string(),
    object: z.literal('upload'),
    bytes: z.number().int().nonnegative(),
    created_at: UnixTime,
    expires_at: UnixTime,
    filename: z.string(),
    purpose: z.string(),
    status: UploadStatus,
    file: OpenAIFile.nullable(),
    /** Hone extra: bytes received so far in parts. */
    bytes_received: z.number().int().nonnegative(),
  })
  .meta({ id: 'Upload' });
export type Upload = z.infer<typeof Upload>;

export const UploadPart = z
  .object({
    id: z.string(),
    object: z.literal('upload.part'),
    created_at: UnixTime,
    upload_id: z.string(),
    /** Hone extra: size of this part. */
    bytes: z.number().int().nonnegative(),
  })
  .meta({ id: 'UploadPart' });
export type UploadPart = z.infer<typeof UploadPart>;

export const CreateUploadBody = z.object({
  filename: z.string().min(1).max(1024),
  purpose: UploadPurpose,
  bytes: z.number().int().min(1).max(MAX_UPLOAD_BYTES),
  mime_type: z.string().min(1).max(255),
  expires_after: ExpiresAfter.optional(),
});
export type CreateUploadBody = z.infer<typeof CreateUploadBody>;

export const CompleteUploadBody = z.object({
  part_ids: z.array(z.string().min(1)).min(1).max(10000),
  md5: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'md5 must be 32 hex characters')
    .optional(),
});
export type CompleteUploadBody = z.infer<typeof CompleteUploadBody>;

export const UploadIdParams = z.object({ upload_id: z.string().min(1).max(128) });
