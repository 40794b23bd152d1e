/** `GET /v1/models/{model}/tokenizer`: what the editor needs to count tokens exactly as the trainer. */
import { z } from 'zod';

export const ModelTokenizer = z
  .object({
    object: z.literal('model.tokenizer'),
    model: z.string(),
    /** `ready`: `files` is set. `preparing`: a built-in is being built (poll again; 202). */
    status: z.enum(['ready', 'preparing']),
    /** 0..1 when known. */
    progress: z.number().min(0).max(1).nullable(),
    message: z.string().nullable(),
    files: z
      .object({
        tokenizer_json: z.record(z.string(), z.unknown()),
        tokenizer_config: z.record(z.string(), z.unknown()),
        chat_template: z.string().nullable(),
        model_config: z.record(z.string(), z.unknown()).nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'ModelTokenizer' });
export type ModelTokenizer = z.infer<typeof ModelTokenizer>;
