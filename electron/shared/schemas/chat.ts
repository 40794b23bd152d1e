import { z } from 'zod';
import { UnixTime } from './common.js';

/**
 * `POST /v1/chat/completions` in OpenAI's shape (the fields Hone honours; unknown ones pass), and
 * Hone's comparison and serving-status extensions. Bounds follow OpenAI's, so a bad value is a 400
 * naming the param (the error handler turns the zod path into `param`).
 */

const TextPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const Content = z.union([z.string(), z.array(TextPart)]);

export const ToolCall = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }),
  })
  .loose();

export const ChatMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: Content, name: z.string().optional() }).loose(),
  z.object({ role: z.literal('developer'), content: Content, name: z.string().optional() }).loose(),
  z.object({ role: z.literal('user'), content: Content, name: z.string().optional() }).loose(),
  z
    .object({
      role: z.literal('assistant'),
      content: Content.nullable().optional(),
      name: z.string().optional(),
      tool_calls: z.array(ToolCall).optional(),
    })
    .loose(),
  z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string() }).loose(),
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

export const Tool = z
  .object({
    type: z.literal('function'),
    function: z.object({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }).loose(),
  })
  .loose();

/** The sampling fields the chat and compare requests share. */
const Sampling = {
  messages: z.array(ChatMessage).min(1).max(2048),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).max(32768).nullish(),
  max_completion_tokens: z.number().int().min(1).max(32768).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
  tools: z.array(Tool).max(128).nullish(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }).loose()]).nullish(),
};

export const ChatCompletionRequest = z
  .object({
    model: z.string().min(1).max(1024),
    ...Sampling,
    /** Several choices come from one batched generate; kept small on a workstation. */
    n: z.number().int().min(1).max(8).nullish(),
  })
  .loose()
  .meta({ id: 'ChatCompletionRequest' });
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export const FinishReason = z.enum(['stop', 'length', 'tool_calls', 'content_filter']);

export const Usage = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() });
export type Usage = z.infer<typeof Usage>;

export const ChatCompletion = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: UnixTime,
    model: z.string(),
    system_fingerprint: z.string().nullable(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string().nullable(), refusal: z.null() }),
        finish_reason: FinishReason,
        logprobs: z.null(),
      }),
    ),
    usage: Usage,
  })
  .meta({ id: 'ChatCompletion' });
export type ChatCompletion = z.infer<typeof ChatCompletion>;

/** One SSE `data:` payload of a streamed completion. */
export const ChatCompletionChunk = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: UnixTime,
    model: z.string(),
    system_fingerprint: z.string().nullable(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        delta: z.object({ role: z.literal('assistant').optional(), content: z.string().optional() }),
        finish_reason: FinishReason.nullable(),
        logprobs: z.null(),
      }),
    ),
    usage: Usage.nullable().optional(),
  })
  .meta({ id: 'ChatCompletionChunk' });
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

export const CompareRequest = z
  .object({
    models: z.array(z.string().min(1).max(1024)).min(1).max(8),
    ...Sampling,
  })
  .loose()
  .meta({ id: 'ChatCompareRequest' });
export type CompareRequest = z.infer<typeof CompareRequest>;

export const CompareResponse = z
  .object({
    object: z.literal('hone.chat.comparison'),
    created: UnixTime,
    results: z.array(z.object({ model: z.string(), message: z.object({ role: z.literal('assistant'), content: z.string() }), finish_reason: FinishReason, usage: Usage })),
  })
  .meta({ id: 'ChatComparison' });
export type CompareResponse = z.infer<typeof CompareResponse>;

export const CompareChunk = z
  .object({
    object: z.literal('hone.chat.comparison.chunk'),
    id: z.string(),
    created: UnixTime,
    choices: z.array(z.object({ index: z.number().int(), model: z.string(), delta: z.object({ role: z.literal('assistant').optional(), content: z.string().optional() }), finish_reason: FinishReason.nullable() })),
  })
  .meta({ id: 'ChatComparisonChunk' });
export type CompareChunk = z.infer<typeof CompareChunk>;

export const ServingWorker = z.object({
  engine: z.enum(['transformers', 'vllm']),
  base_model: z.string(),
  device: z.string(),
  /** GPU index held as a scheduler slot, or null in CPU mode (then the CPU slot is held). */
  gpu: z.number().int().nullable(),
  adapters: z.array(z.string()),
  state: z.enum(['starting', 'idle', 'generating', 'unloading']),
  idle_s: z.number().nullable(),
  /** Why it unloads (a training job needs its slot), or null. */
  preempted_by: z.string().nullable(),
  pid: z.number().int().nullable(),
  /** Decoded pieces streamed since it started (grows while it generates; stops on cancel). */
  tokens_generated: z.number().int(),
  requests: z.number().int(),
});
export type ServingWorker = z.infer<typeof ServingWorker>;

export const ServingStatus = z
  .object({ object: z.literal('hone.serving'), idle_unload_s: z.number(), vllm: z.object({ available: z.boolean(), python: z.string().nullable(), reason: z.string().nullable() }), data: z.array(ServingWorker) })
  .meta({ id: 'ServingStatus' });
export type ServingStatus = z.infer<typeof ServingStatus>;
