/**
 * Exact token counts with a model's own Hugging Face tokenizer (tokenizer.json +
 * tokenizer_config.json, via @huggingface/tokenizers) and chat template (via @huggingface/jinja).
 * Both libraries are pure JS and run in Node and in the browser, so this stays in electron/shared.
 *
 * Trained tokens follow the trainer's label builder (trainer-notes §1.3, "prefix diff"): for each
 * assistant turn with weight ≠ 0 the span between render(messages[:i], add_generation_prompt) and
 * render(messages[:i+1]) is trained; that excludes the generation header and includes end-of-turn.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import type { TokenCountingInfo } from '../schemas/validation.js';
import { contentText, isObj, type CheckedExample, type Json, type Message } from './example-checks.js';
import type { TokenCounter, TokenCounts } from './token-count.js';

export interface HfTokenizerFiles {
  /** Parsed tokenizer.json. */
  tokenizerJson: object;
  /** Parsed tokenizer_config.json ({} when absent). */
  tokenizerConfig: Record<string, unknown>;
  /** chat_template.jinja when the directory has one (newer transformers save it separately). */
  chatTemplate?: string | null;
  /** Parsed config.json, for max_position_embeddings. */
  modelConfig?: Record<string, unknown> | null;
}

/** Longest sequence the model takes: config max_position_embeddings, else a sane model_max_length. */
export function contextLengthOf(files: HfTokenizerFiles): number | null {
  const mpe = files.modelConfig?.max_position_embeddings;
  if (typeof mpe === 'number' && mpe > 0) return Math.floor(mpe);
  const mml = files.tokenizerConfig.model_max_length;
  if (typeof mml === 'number' && mml > 0 && mml < 1e7) return Math.floor(mml);
  return null;
}

function pickTemplate(files: HfTokenizerFiles, tools: boolean): string | null {
  if (files.chatTemplate) return files.chatTemplate;
  const t = files.tokenizerConfig.chat_template;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const named = new Map<string, string>();
    for (const e of t) if (isObj(e) && typeof e.name === 'string' && typeof e.template === 'string') named.set(e.name, e.template);
    return (tools && named.get('tool_use')) || named.get('default') || [...named.values()][0] || null;
  }
  return null;
}

function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObj(v) && typeof v.content === 'string') return v.content;
  return undefined;
}

/** Plain ChatML, used only when the model ships no chat template (the report says so). */
const CHATML =
  "{%- for m in messages %}{{- '<|im_start|>' + m.role + '\\n' + (m.content or '') + '<|im_end|>\\n' }}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

export class HfTokenCounter implements TokenCounter {
  readonly info: TokenCountingInfo;
  private tokenizer: Tokenizer;
  private templates = new Map<string, Template>();
  private specials: Record<string, string>;

  constructor(
    private files: HfTokenizerFiles,
    modelName: string,
    contextLength?: number,
  ) {
    this.tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    const ctx = contextLength ?? contextLengthOf(files) ?? 4096;
    const hasTemplate = pickTemplate(files, false) !== null;
    this.info = {
      method: 'model',
      model: modelName,
      context_length: ctx,
      note: hasTemplate
        ? `Counted with ${modelName}'s tokenizer and chat template.`
        : `Counted with ${modelName}'s tokenizer; the model has no chat template, so ChatML was assumed.`,
    };
    this.specials = {};
    for (const k of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
      const s = tokenString(files.tokenizerConfig[k]);
      if (s !== undefined) this.specials[k] = s;
    }
  }

  private template(tools: boolean): Template {
    const src = pickTemplate(this.files, tools) ?? CHATML;
    let t = this.templates.get(src);
    if (!t) {
      t = new Template(src);
      this.templates.set(src, t);
    }
    return t;
  }

  tokens(text: string): number {
    return text.length === 0 ? 0 : this.tokenizer.tokenize(text, { add_special_tokens: false }).length;
  }

  /** Messages as the template sees them: text parts joined to a string, other keys passed through. */
  private forTemplate(messages: Message[]): Message[] {
    return messages.map((m) => (Array.isArray(m.content) ? { ...m, content: contentText(m.content) } : m));
  }

  render(messages: Message[], tools: Json[] | null, addGenerationPrompt: boolean): string {
    const items: Record<string, unknown> = {
      ...this.specials,
      messages: this.forTemplate(messages),
      add_generation_prompt: addGenerationPrompt,
    };
    if (tools && tools.length > 0) items.tools = tools;
    return this.template(!!tools).render(items);
  }

  /** Tokens of the reply at messages[i], by the prefix diff; falls back to its content alone. */
  private replyTokens(messages: Message[], i: number, tools: Json[] | null, full: string, upto?: string): number {
    try {
      const pre = this.render(messages.slice(0, i), tools, true);
      upto ??= this.render(messages.slice(0, i + 1), tools, false);
      if (upto.startsWith(pre) && full.startsWith(upto)) return this.tokens(upto.slice(pre.length));
    } catch {
      // Templates that cannot render a prefix (e.g. they index messages[0]) fall through.
    }
    const m = messages[i]!;
    return this.tokens(contentText(m.content)) + 1;
  }

  count(ex: CheckedExample): TokenCounts {
    switch (ex.format) {
      case 'chat': {
        const full = this.render(ex.messages, ex.tools, false);
        let trained = 0;
        const last = ex.messages.length - 1;
        ex.messages.forEach((m, i) => {
          if (m.role !== 'assistant' || m.weight === 0) return;
          trained += this.replyTokens(ex.messages, i, ex.tools, full, i === last ? full : undefined);
        });
        return { total: this.tokens(full), trained };
      }
      case 'preference': {
        const a = [...ex.messages, ex.chosen];
        const b = [...ex.messages, ex.rejected];
        const fa = this.render(a, ex.tools, false);
        const fb = this.render(b, ex.tools, false);
        const n = ex.messages.length;
        return {
          total: Math.max(this.tokens(fa), this.tokens(fb)),
          trained: this.replyTokens(a, n, ex.tools, fa, fa) + this.replyTokens(b, n, ex.tools, fb, fb),
        };
      }
      case 'completion': {
        const completion = this.tokens(ex.completion);
        const bos = this.specials.bos_token && this.files.tokenizerConfig.add_bos_token !== false ? 1 : 0;
        return { total: bos + this.tokens(ex.prompt) + completion, trained: completion };
      }
    }
  }
}
