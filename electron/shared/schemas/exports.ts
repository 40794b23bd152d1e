import { z } from 'zod';
import { UnixTime } from './common.js';

/** Model exports (docs/serving.md, "Export"): what the API accepts and answers, shared by server and UI. */
export const EXPORT_FORMATS = ['merged', 'gguf', 'lora_gguf', 'ollama'] as const;
export const EXPORT_QUANTIZATIONS = ['f16', 'q8_0', 'q4_k_m'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export const ExportQuantization = z.enum(EXPORT_QUANTIZATIONS);
export const ExportStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

export const CreateExportBody = z
  .object({
    format: ExportFormat.meta({ description: 'merged: safetensors + tokenizer + chat template (fine-tuned models); gguf: llama.cpp GGUF; lora_gguf: the adapter as a GGUF LoRA (fine-tuned models); ollama: a GGUF and a Modelfile.' }),
    quantization: ExportQuantization.nullish().meta({ description: 'GGUF type: f16 (gguf default), q8_0 (ollama default), q4_k_m (needs llama.cpp compiled: llama-quantize or llama-cpp-python). Not for merged.' }),
    name: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/).optional().meta({ description: 'Stem of the GGUF file names (default: from the model id).' }),
  })
  .meta({ id: 'CreateExportRequest' });
export type CreateExportBody = z.infer<typeof CreateExportBody>;

export const ExportFile = z.object({ name: z.string(), bytes: z.number().int().nonnegative(), url: z.string() });

export const ExportObject = z
  .object({
    object: z.literal('hone.export'),
    id: z.string(),
    model: z.string(),
    format: ExportFormat,
    quantization: ExportQuantization.nullable(),
    status: ExportStatus,
    progress: z.number().min(0).max(1).nullable(),
    stage: z.string().nullable(),
    created_at: UnixTime,
    started_at: UnixTime.nullable(),
    finished_at: UnixTime.nullable(),
    seconds: z.number().nullable(),
    files: z.array(ExportFile),
    error: z.object({ message: z.string(), code: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'Export' });
export type ExportObject = z.infer<typeof ExportObject>;

export const ExportList = z.object({ object: z.literal('list'), data: z.array(ExportObject) });

export const ExportEvent = z.object({
  object: z.literal('hone.export.event'),
  id: z.number().int(),
  created_at: UnixTime,
  level: z.enum(['info', 'warn', 'error']),
  stage: z.string().nullable(),
  progress: z.number().nullable(),
  message: z.string(),
});
export type ExportEvent = z.infer<typeof ExportEvent>;
export const ExportEventList = z.object({ object: z.literal('list'), data: z.array(ExportEvent) });

export const ExportParams = z.object({ export_id: z.string().min(1).max(128) });
export const ExportFileParams = z.object({ export_id: z.string().min(1).max(128), name: z.string().min(1).max(256) });
