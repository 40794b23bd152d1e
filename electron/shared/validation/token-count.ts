/**
 * Token counting seam: the validator asks a TokenCounter for each format-valid example's total and
 * trained (loss-bearing) tokens. Without a model it estimates; hf-tokenizer.ts counts exactly.
 */
import type { TokenCountingInfo } from '../schemas/validation.js';
import { contentText, isObj, type CheckedExample, type Json, type Message } from './example-checks.js';

export interface TokenCounts {
  total: number;
  trained: number;
}

export interface TokenCounter {
  readonly info: TokenCountingInfo;
  /** May throw (e.g. the model's chat template rejects the example); the validator reports it. */
  count(example: CheckedExample): TokenCounts;
}

/** The cookbook's limit for gpt-3.5-turbo; used when no model (and so no context length) is named. */
export const DEFAULT_CONTEXT_LENGTH = 16385;

/** JSON.stringify that cannot throw (deeply nested tool schemas overflow V8's recursive stringify). */
export function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/** UTF-8 size of a string (bytes per token is steadier across scripts than characters per token). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1; // surrogate pairs: 2 + 2
  }
  return n;
}

/**
 * ~4 UTF-8 bytes a token plus the cookbook's per-message overhead (3 per message, 1 per name, 3 to
 * prime the reply). Good to ±30 % on English; the report labels it as an estimate.
 */
export class EstimateTokenCounter implements TokenCounter {
  readonly info: TokenCountingInfo;

  /**
   * `stringsAreBytes`: the validator hands over Latin-1 views of UTF-8 (TextCodec.bytewise), so a
   * string's length already is its UTF-8 size.
   */
  constructor(
    contextLength = DEFAULT_CONTEXT_LENGTH,
    private stringsAreBytes = false,
  ) {
    this.info = {
      method: 'estimate',
      model: null,
      context_length: contextLength,
      note: 'Estimated at ~4 UTF-8 bytes per token with OpenAI cookbook message overheads; name a model for exact counts with its own tokenizer and chat template.',
    };
  }

  private text(s: string): number {
    return Math.ceil((this.stringsAreBytes ? s.length : utf8Length(s)) / 4);
  }

  private message(m: Message): { total: number; reply: number } {
    let reply = this.text(contentText(m.content));
    if (m.tool_calls !== undefined) reply += this.text(safeStringify(m.tool_calls));
    if (m.function_call !== undefined) reply += this.text(safeStringify(m.function_call));
    const name = typeof m.name === 'string' ? this.text(m.name) + 1 : 0;
    return { total: 3 + reply + name, reply };
  }

  private conversation(messages: Message[], tools: Json[] | null, trainedOnly: (m: Message) => boolean): TokenCounts {
    let total = 3;
    let trained = 0;
    if (tools) total += this.text(safeStringify(tools));
    for (const m of messages) {
      if (!isObj(m)) continue;
      const c = this.message(m);
      total += c.total;
      if (trainedOnly(m)) trained += c.reply + 1; // + the end-of-turn token the model learns to emit
    }
    return { total, trained };
  }

  count(ex: CheckedExample): TokenCounts {
    switch (ex.format) {
      case 'chat':
        return this.conversation(ex.messages, ex.tools, (m) => m.role === 'assistant' && m.weight !== 0);
      case 'preference': {
        const prompt = this.conversation(ex.messages, ex.tools, () => false).total;
        const a = this.message(ex.chosen);
        const b = this.message(ex.rejected);
        return { total: prompt + Math.max(a.total, b.total), trained: a.reply + b.reply + 2 };
      }
      case 'completion':
        return { total: this.text(ex.prompt) + this.text(ex.completion), trained: this.text(ex.completion) };
    }
  }
}
