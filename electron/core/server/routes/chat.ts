/**
 * `POST /v1/chat/completions` (OpenAI's shape, streaming and not) and Hone's comparison extension
 * `POST /v1/hone/chat/compare`. The wire format lives here; generation is electron/core/serving.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { ChatCompletion, ChatCompletionRequest, CompareRequest, CompareResponse, ServingStatus, type ChatCompletionChunk, type CompareChunk } from '../../../shared/schemas/chat.js';
import { ApiError } from '../errors.js';
import { EngineGoneError, EngineRequestError, type GenParams, type GenResult } from '../../serving/engine.js';
import { resolveServeTarget } from '../../serving/resolve-model.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody, 500: ApiErrorBody, 503: ApiErrorBody };
/** OpenAI's default is "up to the context"; on a workstation an unbounded answer ties up the worker. */
const DEFAULT_MAX_TOKENS = 256;

/**
 * The most tokens one request may ask for (`HONE_SERVE_MAX_TOKENS`, default 32768): an admin's cap on
 * how long one answer may hold a worker that everyone shares. Over it is a 400 naming the cap, not a
 * silently shortened answer.
 */
export function maxTokensCap(): number {
  const v = Number(process.env.HONE_SERVE_MAX_TOKENS);
  return Number.isInteger(v) && v > 0 ? v : 32768;
}

function maxTokensOf(b: Body): number {
  const cap = maxTokensCap();
  const param = b.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const asked = b.max_completion_tokens ?? b.max_tokens;
  if (asked != null && asked > cap) throw new ApiError(400, `${param} is ${asked}, more than this server allows per request (${cap}, set by HONE_SERVE_MAX_TOKENS).`, param, 'max_tokens_too_large');
  return asked ?? Math.min(DEFAULT_MAX_TOKENS, cap);
}

type Body = ChatCompletionRequest | CompareRequest;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? '').join('');
  return '';
}

/** The worker's request fields from OpenAI's: text parts joined, `developer` as `system` (templates know no other). */
export function genParams(b: Body, n = 1): GenParams {
  const messages = b.messages.map((m) => {
    const out: Record<string, unknown> = { ...m, role: m.role === 'developer' ? 'system' : m.role };
    if ('content' in m && m.content != null) out.content = textOf(m.content);
    return out;
  });
  return {
    messages,
    tools: b.tool_choice === 'none' ? null : (b.tools ?? null),
    max_tokens: maxTokensOf(b),
    temperature: b.temperature ?? 1,
    top_p: b.top_p ?? 1,
    stop: b.stop == null ? [] : typeof b.stop === 'string' ? [b.stop] : b.stop,
    seed: b.seed ?? null,
    n,
  };
}

/** An engine failure as an envelope: a crashed worker is retryable (it restarts on the next request). */
function engineError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof EngineGoneError) return new ApiError(503, `The inference worker stopped: ${err.message}. Retry: it restarts on the next request.`, null, 'worker_crashed');
  if (err instanceof EngineRequestError) {
    const client = /invalid|bad_request|template|too_long|context/i.test(err.code ?? '');
    return new ApiError(client ? 400 : 500, err.message, client ? 'messages' : null, err.code ?? 'engine_error');
  }
  return new ApiError(500, `Generation failed: ${(err as Error).message}`, null, 'engine_error');
}

const finishOf = (r: string) => (r === 'length' ? 'length' : 'stop') as 'stop' | 'length';

/**
 * SSE the way OpenAI writes it: bare `data:` lines (no `event:`), `data: [DONE]` at the end. The
 * head goes out with the first event, so a failure before generation starts is a plain error status.
 */
class ChatStream {
  private opened = false;
  constructor(private readonly reply: FastifyReply) {}

  get gone(): boolean {
    return this.reply.raw.destroyed;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.reply.hijack();
    this.reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  }

  get isOpen(): boolean {
    return this.opened;
  }

  data(payload: unknown): void {
    this.open();
    if (!this.gone) this.reply.raw.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
  }

  end(): void {
    if (!this.gone) this.reply.raw.end();
  }
}

/** Aborts when the client goes away before the answer was written: the worker gets `cancel`. */
function disconnectSignal(reply: FastifyReply): AbortController {
  const ac = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac;
}

export const chatRoutes: RouteModule = (app, ctx) => {
  app.post(
    '/v1/chat/completions',
    {
      schema: {
        tags: ['chat'],
        summary: 'Create a chat completion',
        description:
          "OpenAI's chat completions for every model of GET /v1/models: built-ins, local and hub bases, and `ft:` models (the base with the job's LoRA adapter; full fine-tunes load their own weights). " +
          'With `stream: true`: SSE `chat.completion.chunk`s with one id/created/model, the first delta `role: assistant`, a final chunk per choice with `finish_reason`, with `stream_options.include_usage` one more chunk with `choices: []` and `usage`, then `data: [DONE]`; an error after the stream started comes as `data: {"error": …}`. ' +
          'Disconnecting stops generation. One generation at a time per base model; others queue. Default max_tokens 256; the most one request may ask for is set by the server (`HONE_SERVE_MAX_TOKENS`), above it a 400.',
        body: ChatCompletionRequest,
        response: { 200: ChatCompletion, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const target = await resolveServeTarget(ctx, b.model);
      const n = b.n ?? 1;
      const p = genParams(b, n);
      const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
      const created = Math.floor(Date.now() / 1000);
      const ac = disconnectSignal(reply);
      const base = { id, created, model: b.model, system_fingerprint: null };

      if (!b.stream) {
        const texts = Array.from({ length: n }, () => '');
        let r: GenResult;
        try {
          r = await ctx.serving.generate(target, p, { onDelta: (i, t) => (texts[i] += t) }, ac.signal);
        } catch (err) {
          throw engineError(err);
        }
        return {
          ...base,
          object: 'chat.completion' as const,
          choices: r.choices.map((c) => ({ index: c.index, message: { role: 'assistant' as const, content: texts[c.index] ?? '', refusal: null }, finish_reason: finishOf(c.finish_reason), logprobs: null })),
          usage: { prompt_tokens: r.prompt_tokens, completion_tokens: r.completion_tokens, total_tokens: r.prompt_tokens + r.completion_tokens },
        };
      }

      const s = new ChatStream(reply);
      const chunk = (choices: ChatCompletionChunk['choices'], usage?: ChatCompletionChunk['usage']): ChatCompletionChunk => ({ ...base, object: 'chat.completion.chunk', choices, ...(usage !== undefined ? { usage } : {}) });
      const started = () => {
        if (s.isOpen) return;
        s.data(chunk(Array.from({ length: n }, (_, index) => ({ index, delta: { role: 'assistant' as const, content: '' }, finish_reason: null, logprobs: null }))));
      };
      try {
        const r = await ctx.serving.generate(target, p, { onStart: started, onDelta: (index, content) => (started(), s.data(chunk([{ index, delta: { content }, finish_reason: null, logprobs: null }]))) }, ac.signal);
        if (ac.signal.aborted) return s.end();
        started();
        for (const c of r.choices) s.data(chunk([{ index: c.index, delta: {}, finish_reason: finishOf(c.finish_reason), logprobs: null }]));
        if (b.stream_options?.include_usage) s.data(chunk([], { prompt_tokens: r.prompt_tokens, completion_tokens: r.completion_tokens, total_tokens: r.prompt_tokens + r.completion_tokens }));
        s.data('[DONE]');
        s.end();
      } catch (err) {
        const e = engineError(err);
        if (!s.isOpen) throw e;
        s.data(e.body());
        s.end();
      }
    },
  );

  app.post(
    '/v1/hone/chat/compare',
    {
      schema: {
        tags: ['chat'],
        summary: 'Run the same messages on several models (Hone extension)',
        description:
          'Base and fine-tuned models side by side. Models on one base run as one batched generate (`adapter_names`) on its worker; other bases run one after another. ' +
          'With `stream: true`: SSE `hone.chat.comparison.chunk`s (`choices[].index` = position in `models`), then `data: [DONE]`.',
        body: CompareRequest,
        response: { 200: CompareResponse, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const targets = [];
      for (const [i, m] of b.models.entries()) targets.push(await resolveServeTarget(ctx, m, `models.${i}`));
      const p = genParams(b);
      const id = `cmp-${randomBytes(12).toString('hex')}`;
      const created = Math.floor(Date.now() / 1000);
      const ac = disconnectSignal(reply);
      const texts = b.models.map(() => '');
      const s = b.stream ? new ChatStream(reply) : null;
      const chunk = (choices: CompareChunk['choices']): CompareChunk => ({ object: 'hone.chat.comparison.chunk', id, created, choices });
      const started = () => {
        if (s && !s.isOpen) s.data(chunk(b.models.map((model, index) => ({ index, model, delta: { role: 'assistant' as const, content: '' }, finish_reason: null }))));
      };
      let r: GenResult;
      try {
        r = await ctx.serving.compare(
          targets,
          p,
          {
            onStart: started,
            onDelta: (index, content) => {
              texts[index] += content;
              if (!s) return;
              started();
              s.data(chunk([{ index, model: b.models[index]!, delta: { content }, finish_reason: null }]));
            },
          },
          ac.signal,
        );
      } catch (err) {
        const e = engineError(err);
        if (!s?.isOpen) throw e;
        s.data(e.body());
        return s.end();
      }
      if (s) {
        if (ac.signal.aborted) return s.end();
        started();
        for (const c of r.choices) s.data(chunk([{ index: c.index, model: b.models[c.index]!, delta: {}, finish_reason: finishOf(c.finish_reason) }]));
        s.data('[DONE]');
        return s.end();
      }
      return {
        object: 'hone.chat.comparison' as const,
        created,
        results: r.choices.map((c) => ({
          model: b.models[c.index]!,
          message: { role: 'assistant' as const, content: texts[c.index] ?? '' },
          finish_reason: finishOf(c.finish_reason),
          usage: { prompt_tokens: r.prompt_tokens, completion_tokens: c.completion_tokens, total_tokens: r.prompt_tokens + c.completion_tokens },
        })),
      };
    },
  );

  app.get(
    '/v1/hone/serving',
    { schema: { tags: ['chat'], summary: 'Loaded inference workers (Hone extension)', description: 'Engine, base model, device/GPU slot, adapters, state and idle seconds of every loaded worker; whether vLLM is installed.', response: { 200: ServingStatus, 401: ApiErrorBody } } },
    async () => ctx.serving.status(),
  );
};
