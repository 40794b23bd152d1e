/**
 * Streams answers for the playground. Models that share a base go through Hone's comparison
 * extension (one batched generate on the worker, so each column starts at once); any others get
 * their own `/v1/chat/completions` stream, in parallel. Aborting the signal closes the
 * connections, which the server turns into a cancelled generation.
 */
import { ApiErrorBody } from '@shared/schemas/common.js';
import { ChatCompletionChunk, CompareChunk, type ChatMessage } from '@shared/schemas/chat.js';
import type { Model } from '@shared/schemas/jobs.js';
import { api, ApiError } from '@/api';
import type { ReplyError } from './conversation';

export interface StreamHandlers {
  onDelta(model: string, text: string): void;
  onFinish(model: string, finishReason: string | null, completionTokens: number | null): void;
  onError(model: string, error: ReplyError): void;
}

export interface Plan {
  /** Groups sent as one comparison (two or more models on one base). */
  compare: string[][];
  /** Models sent on their own. */
  solo: string[];
}

/** The base a model runs on: a fine-tuned model's base, else itself. */
const baseOf = (id: string, models: Model[]): string => {
  const m = models.find((x) => x.id === id);
  return m?.kind === 'fine-tuned' && m.base_model ? m.base_model : id;
};

export function plan(selected: string[], models: Model[]): Plan {
  const groups = new Map<string, string[]>();
  for (const id of selected) {
    const b = baseOf(id, models);
    groups.set(b, [...(groups.get(b) ?? []), id]);
  }
  const out: Plan = { compare: [], solo: [] };
  for (const g of groups.values()) {
    if (g.length > 1) out.compare.push(g);
    else out.solo.push(g[0]!);
  }
  return out;
}

const errorOf = (e: unknown): ReplyError =>
  e instanceof ApiError ? { message: e.message, param: e.param, code: e.code } : { message: e instanceof Error ? e.message : String(e), param: null, code: null };

/** A `data: {"error": …}` payload sent mid-stream, or null. */
function midStreamError(payload: unknown): ReplyError | null {
  const p = ApiErrorBody.safeParse(payload);
  return p.success ? { message: p.data.error.message, param: p.data.error.param, code: p.data.error.code } : null;
}

const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

type PerModel = Record<string, ChatMessage[]>;

async function chatStream(model: string, messages: ChatMessage[], sampling: Record<string, unknown>, signal: AbortSignal, h: StreamHandlers): Promise<void> {
  let finish: string | null = null;
  let ended = false;
  try {
    await api.postStream('/v1/chat/completions', {
      json: { model, messages, ...sampling, stream: true, stream_options: { include_usage: true } },
      signal,
      onData: (data) => {
        if (data === '[DONE]' || ended) return;
        const payload: unknown = JSON.parse(data);
        const err = midStreamError(payload);
        if (err) {
          ended = true;
          h.onError(model, err);
          return;
        }
        const chunk = ChatCompletionChunk.parse(payload);
        for (const c of chunk.choices) {
          if (c.index !== 0) continue;
          if (c.delta.content) h.onDelta(model, c.delta.content);
          if (c.finish_reason) finish = c.finish_reason;
        }
        // The usage chunk (choices: []) comes last, after the finish reason.
        if (chunk.usage) {
          ended = true;
          h.onFinish(model, finish, chunk.usage.completion_tokens);
        }
      },
    });
    if (!ended) h.onFinish(model, finish, null);
  } catch (e) {
    if (isAbort(e) || signal.aborted) return;
    h.onError(model, errorOf(e));
  }
}

async function compareStream(models: string[], messagesByModel: PerModel, sampling: Record<string, unknown>, signal: AbortSignal, h: StreamHandlers): Promise<void> {
  const finished = new Set<string>();
  try {
    await api.postStream('/v1/hone/chat/compare', {
      // One conversation for all: the comparison runs the same messages on every model.
      json: { models, messages: messagesByModel[models[0]!], ...sampling, stream: true },
      signal,
      onData: (data) => {
        if (data === '[DONE]') return;
        const payload: unknown = JSON.parse(data);
        const err = midStreamError(payload);
        if (err) {
          for (const m of models) {
            if (finished.has(m)) continue;
            finished.add(m);
            h.onError(m, err);
          }
          return;
        }
        for (const c of CompareChunk.parse(payload).choices) {
          const m = models[c.index] ?? c.model;
          if (c.delta.content) h.onDelta(m, c.delta.content);
          if (c.finish_reason && !finished.has(m)) {
            finished.add(m);
            h.onFinish(m, c.finish_reason, null);
          }
        }
      },
    });
    for (const m of models) if (!finished.has(m)) h.onFinish(m, null, null);
  } catch (e) {
    if (isAbort(e) || signal.aborted) return;
    for (const m of models) if (!finished.has(m)) h.onError(m, errorOf(e));
  }
}

const sameMessages = (models: string[], byModel: PerModel) => models.every((m) => JSON.stringify(byModel[m]) === JSON.stringify(byModel[models[0]!]));

/** Runs every selected model's answer; resolves when all have ended (or the signal aborted). */
export async function runAll(selected: string[], models: Model[], messagesByModel: PerModel, sampling: Record<string, unknown>, signal: AbortSignal, h: StreamHandlers): Promise<void> {
  const p = plan(selected, models);
  const runs: Promise<void>[] = [];
  for (const g of p.compare) {
    // After the models answered differently, their histories differ: one stream each.
    if (sameMessages(g, messagesByModel)) runs.push(compareStream(g, messagesByModel, sampling, signal, h));
    else for (const m of g) runs.push(chatStream(m, messagesByModel[m]!, sampling, signal, h));
  }
  for (const m of p.solo) runs.push(chatStream(m, messagesByModel[m]!, sampling, signal, h));
  await Promise.all(runs);
}
