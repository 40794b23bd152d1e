import { z } from 'zod';

/** OpenAI error envelope: every non-2xx answer of the API has exactly this shape. */
export const ApiErrorBody = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable(),
    }),
  })
  .meta({ id: 'ErrorResponse' });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Integer unix seconds, as every OpenAI time field. */
export const UnixTime = z.number().int().nonnegative();

/** Cursor pagination (`after` = id of the last item seen); `limit` bounds differ per resource. */
export const cursorQuery = (defaultLimit: number, maxLimit: number) =>
  z.object({
    after: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  });

/** Sort order of list endpoints, by creation. */
export const SortOrder = z.enum(['asc', 'desc']);

/** `{"Hone Server":"online"}`, the seed guide's health answer. */
export const HealthResponse = z.object({ 'Hone Server': z.literal('online') });
