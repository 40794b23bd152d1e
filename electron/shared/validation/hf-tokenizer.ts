/**
 * Exact token counts with a model's own Hugging Face tokenizer (tokenizer.json +
 * tokenizer_config.json, via @huggingface/tokenizers) and chat template (via @huggingface/jinja).
 * Both libraries are pure JS and run in Node and in the browser, so this stays in electron/shared.
 *
 * Trained tokens match the trainer's labels (hone_trainer/labels.py): with `{% generation %}` markers
 * in the template, the marked spans of assistant turns with weight ≠ 0; otherwise the prefix diff
 * between render(messages[:i], add_generation_prompt) and render(messages[:i+1]), cut after the
 * end-of-turn token.
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
  private templates = new Map<string, { t: Template; markers: boolean }>();
  private specials: Record<string, string>;
  /** Splits text at added tokens exactly as the library does; null when caching is unsafe. */
  private sections: RegExp | null;
  private sharedCache = new Map<string, number>();
  private sharedChars = 0;
  private exampleCache = new Map<string, number>();
  private checksLeft = 64;
  /** The library's own pre-tokenizer and model, when a section needs nothing else (no normalizer). */
  private words: { pre: (s: string) => string[]; model: (w: string[]) => string[]; cache: Map<string, number>; chars: number } | null =
    null;

  constructor(
    private files: HfTokenizerFiles,
    modelName: string,
    contextLength?: number,
  ) {
    this.tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    memoizeByteLevel(this.tokenizer.pre_tokenizer);
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
    this.sections = sectionSplitter(files.tokenizerJson);
    const tk = this.tokenizer as unknown as Record<string, unknown>;
    const model = tk.model as ((w: string[]) => string[]) & { fuse_unk?: boolean };
    const pre = tk.pre_tokenizer as ((s: string, o: object) => string[]) | null;
    if (this.sections && tk.normalizer === null && !tk.remove_space && !tk.do_lowercase_and_remove_accent && pre && model && !model.fuse_unk)
      this.words = { pre: (s) => pre(s, { section_index: 0 }), model, cache: new Map(), chars: 0 };
    this.specials = {};
    for (const k of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
      const s = tokenString(files.tokenizerConfig[k]);
      if (s !== undefined) this.specials[k] = s;
    }
  }

  private template(tools: boolean): { t: Template; markers: boolean } {
    const src = pickTemplate(this.files, tools) ?? CHATML;
    let t = this.templates.get(src);
    if (!t) {
      // Generation markers become sentinel characters in the output, so their spans can be found.
      const marked = src.replace(GEN_OPEN, `{{$1 '${OPEN}' $2}}`).replace(GEN_CLOSE, `{{$1 '${CLOSE}' $2}}`);
      t = { t: new Template(marked), markers: marked !== src };
      this.templates.set(src, t);
    }
    return t;
  }

  /** Tokens of `text` (no special tokens added), through the section cache when it is safe. */
  tokens(text: string): number {
    if (text.length === 0) return 0;
    if (!this.sections) return this.direct(text);
    const n = this.sectionTokens(text);
    if (this.checksLeft > 0) {
      // Self-check on the first calls: any disagreement turns the cache off for good.
      this.checksLeft--;
      const d = this.direct(text);
      if (d !== n) {
        this.sections = null;
        return d;
      }
    }
    return n;
  }

  /**
   * A section's count as the sum of its pre-tokenized words' counts (the model encodes words
   * independently unless it fuses unknown tokens), with a bounded cache per word.
   */
  private wordTokens(section: string): number {
    const w = this.words!;
    let n = 0;
    for (const word of w.pre(section)) {
      let c = w.cache.get(word);
      if (c === undefined) {
        c = w.model([word]).length;
        if ((w.chars += word.length) > 2_000_000) {
          w.cache.clear();
          w.chars = word.length;
        }
        w.cache.set(word, c);
      }
      n += c;
    }
    return n;
  }

  private direct(text: string): number {
    return this.tokenizer.tokenize(text, { add_special_tokens: false }).length;
  }

  /**
   * The library tokenizes the pieces between added tokens independently, so their counts can be
   * cached: system prompts and role headers repeat across examples (shared cache), and without
   * generation markers the prefix renders repeat the conversation's earlier turns (per example).
   */
  private sectionTokens(text: string): number {
    const re = this.sections!;
    re.lastIndex = 0;
    let n = 0;
    let last = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index > last) n += this.sectionCount(text.slice(last, m.index));
      n += 1;
      last = m.index + m[0].length;
    }
    if (last < text.length) n += this.sectionCount(last === 0 ? text : text.slice(last));
    return n;
  }

  private sectionCount(section: string): number {
    let n = this.exampleCache.get(section) ?? this.sharedCache.get(section);
    if (n !== undefined) return n;
    n = this.words ? this.wordTokens(section) : this.direct(section);
    if (section.length <= 1024) {
      // Bounded: at most ~2M characters of keys (a few MB), then start over.
      if ((this.sharedChars += section.length) > 2_000_000) {
        this.sharedCache.clear();
        this.sharedChars = section.length;
      }
      this.sharedCache.set(section, n);
    } else this.exampleCache.set(section, n);
    return n;
  }

  /** Tokens up to and including the first end-of-turn token (the trainer's span end). */
  private replySpanTokens(text: string): number {
    if (text.length === 0) return 0;
    const toks = this.tokenizer.tokenize(text, { add_special_tokens: false });
    const eos = this.specials.eos_token;
    const i = eos === undefined ? -1 : toks.indexOf(eos);
    return i >= 0 ? i + 1 : toks.length;
  }

  /** Messages as the template sees them: text parts joined to a string, other keys passed through. */
  private forTemplate(messages: Message[]): Message[] {
    return messages.map((m) => (Array.isArray(m.content) ? { ...m, content: contentText(m.content) } : m));
  }

  /** Renders the conversation; with markers, also returns the generation spans' texts and their [start, end) in `text`. */
  render(
    messages: Message[],
    tools: Json[] | null,
    addGenerationPrompt: boolean,
  ): { text: string; spans: string[] | null; ranges: [number, number][] | null } {
    const items: Record<string, unknown> = {
      ...this.specials,
      messages: this.forTemplate(messages),
      add_generation_prompt: addGenerationPrompt,
    };
    if (tools && tools.length > 0) items.tools = tools;
    const { t, markers } = this.template(!!tools && tools.length > 0);
    const out = t.render(items);
    if (!markers) return { text: out, spans: null, ranges: null };
    const spans: string[] = [];
    const ranges: [number, number][] = [];
    let text = '';
    let pos = 0;
    for (;;) {
      const a = out.indexOf(OPEN, pos);
      if (a < 0) break;
      const b = out.indexOf(CLOSE, a + 1);
      if (b < 0) break;
      text += out.slice(pos, a);
      spans.push(out.slice(a + 1, b));
      ranges.push([text.length, text.length + b - a - 1]);
      text += out.slice(a + 1, b);
      pos = b + 1;
    }
    text += out.slice(pos);
    return { text, spans, ranges };
  }

  /** Trained tokens of a conversation whose assistant turns at `trained` indexes carry the loss. */
  private conversation(messages: Message[], tools: Json[] | null, trained: (m: Message, i: number) => boolean): TokenCounts {
    const { text, turns } = this.lossSpans(messages, tools, trained);
    let n = 0;
    for (const t of turns) {
      if (t.range) n += t.markers ? this.tokens(text.slice(t.range[0], t.range[1])) : this.replySpanTokens(text.slice(t.range[0], t.range[1]));
      else n += this.tokens(contentText(messages[t.message]!.content)) + 1;
    }
    return { total: this.tokens(text), trained: n };
  }

  /**
   * Where the loss falls in the rendered conversation: per trained assistant turn, its span in
   * `text` (the generation markers' span; else the reply between the generation prompt and the end
   * of the next render, whose tokens count up to the end-of-turn token), or null when the template
   * cannot render a prefix (counted by estimate). The label-mask preview shows exactly these spans.
   */
  lossSpans(
    messages: Message[],
    tools: Json[] | null,
    trained: (m: Message, i: number) => boolean,
  ): { text: string; turns: { message: number; markers: boolean; range: [number, number] | null }[] } {
    const full = this.render(messages, tools, false);
    const assistants = messages.map((m, i) => [m, i] as const).filter(([m]) => m.role === 'assistant');
    // Sentinels inside the data itself would confuse the span search: use the prefix diff then.
    const clean = full.ranges !== null && full.ranges.length === assistants.length && !messages.some(hasSentinel);
    const turns: { message: number; markers: boolean; range: [number, number] | null }[] = [];
    assistants.forEach(([m, i], k) => {
      if (!trained(m, i)) return;
      turns.push(clean ? { message: i, markers: true, range: full.ranges![k]! } : { message: i, markers: false, range: this.prefixRange(messages, i, tools, full.text) });
    });
    return { text: full.text, turns };
  }

  /** The reply at messages[i] in `full`: from the end of the generation prompt to the end of render(messages[:i+1]). */
  private prefixRange(messages: Message[], i: number, tools: Json[] | null, full: string): [number, number] | null {
    try {
      const pre = i === 0 ? '' : this.render(messages.slice(0, i), tools, true).text;
      const upto = i === messages.length - 1 ? full : this.render(messages.slice(0, i + 1), tools, false).text;
      if (upto.startsWith(pre) && full.startsWith(upto)) return [pre.length, upto.length];
    } catch {
      // Templates that cannot render a prefix fall through to the content estimate.
    }
    return null;
  }

  /** Text of `reply` up to and including its end-of-turn token (what replySpanTokens counts). */
  replyCut(reply: string): string {
    const eos = this.specials.eos_token;
    const i = eos === undefined ? -1 : reply.indexOf(eos);
    return i >= 0 ? reply.slice(0, i + eos!.length) : reply;
  }

  count(ex: CheckedExample): TokenCounts {
    this.exampleCache.clear();
    switch (ex.format) {
      case 'chat':
        return this.conversation(ex.messages, ex.tools, (m) => m.weight !== 0);
      case 'preference': {
        const n = ex.messages.length;
        const onlyLast = (_m: Message, i: number) => i === n;
        const a = this.conversation([...ex.messages, ex.chosen], ex.tools, onlyLast);
        const b = this.conversation([...ex.messages, ex.rejected], ex.tools, onlyLast);
        return { total: Math.max(a.total, b.total), trained: a.trained + b.trained };
      }
      case 'completion': {
        const completion = this.tokens(ex.completion);
        const bos = this.specials.bos_token && this.files.tokenizerConfig.add_bos_token !== false ? 1 : 0;
        return { total: bos + this.tokens(ex.prompt) + completion, trained: completion };
      }
    }
  }
}

/**
 * The byte-level pre-tokenizer (GPT-2, Llama 3, Qwen, SmolLM…) spends most of the tokenizer's time
 * re-encoding every word to its byte alphabet (TextEncoder + Array.from + join per word). Words
 * repeat, so this memoizes that mapping on the instance. It reuses the instance's own settings,
 * and for its first 256 calls compares against the original method, restoring it on any mismatch.
 */
function memoizeByteLevel(pt: unknown): void {
  const p = pt as Record<string, unknown> | null;
  if (!p || (typeof p !== 'object' && typeof p !== 'function')) return; // the library's pre-tokenizers are callable objects
  if (Array.isArray(p.tokenizers)) return p.tokenizers.forEach(memoizeByteLevel);
  const original = p.pre_tokenize_text;
  const bytes = p.byte_encoder as Record<number, string> | undefined;
  if (typeof original !== 'function' || !bytes || !(p.pattern instanceof RegExp) || typeof p.use_regex !== 'boolean') return;
  const encoder = new TextEncoder();
  const cache = new Map<string, string>();
  let chars = 0;
  let checks = 256;
  const mapWord = (w: string): string => {
    let m = cache.get(w);
    if (m === undefined) {
      m = '';
      for (const b of encoder.encode(w)) m += bytes[b];
      if ((chars += w.length) > 2_000_000) {
        cache.clear();
        chars = w.length;
      }
      cache.set(w, m);
    }
    return m;
  };
  p.pre_tokenize_text = function (this: Record<string, unknown>, text: string, options: unknown): string[] {
    const input = this.add_prefix_space && !text.startsWith(' ') ? ' ' + text : text;
    const words = this.use_regex ? (input.match(this.pattern as RegExp) ?? []) : [input];
    const out = words.map(mapWord);
    if (checks > 0) {
      checks--;
      const expected = (original as (t: string, o: unknown) => string[]).call(this, text, options);
      if (expected.length !== out.length || expected.some((w, i) => w !== out[i])) {
        p.pre_tokenize_text = original;
        return expected;
      }
    }
    return out;
  };
}

/**
 * A regex matching the tokenizer's added tokens leftmost-longest (what its DictionarySplitter
 * does), or null when sections are not independent: added tokens that strip their neighbours or
 * are normalized, or a Metaspace pre-tokenizer that treats the first section differently.
 */
function sectionSplitter(tokenizerJson: object): RegExp | null {
  const t = tokenizerJson as { added_tokens?: unknown; normalizer?: unknown; pre_tokenizer?: unknown };
  const added = Array.isArray(t.added_tokens) ? (t.added_tokens as Record<string, unknown>[]) : [];
  if (added.length === 0) return null;
  for (const a of added) {
    if (typeof a.content !== 'string' || a.content.length === 0 || a.lstrip || a.rstrip) return null;
    if (a.normalized && t.normalizer) return null;
  }
  if (JSON.stringify(t.pre_tokenizer ?? null).includes('"Metaspace"')) return null;
  const words = added.map((a) => a.content as string).sort((a, b) => b.length - a.length);
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}

const OPEN = '\uE000';
const CLOSE = '\uE001';
const GEN_OPEN = /\{%(-?)\s*generation\s*(-?)%\}/g;
const GEN_CLOSE = /\{%(-?)\s*endgeneration\s*(-?)%\}/g;
const hasSentinel = (m: Message) => {
  const s = typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? contentText(m.content) : '';
  return s.includes(OPEN) || s.includes(CLOSE);
};
