/**
 * The playground's conversation, as data: what each model is sent (the shared context, then every
 * turn with that model's own earlier answers), a dataset example split into its context and its
 * training answer, and the figures shown under an answer. Pure, so it is tested without a browser.
 */
import type { ChatMessage } from '@shared/schemas/chat.js';

export type ReplyStatus = 'waiting' | 'streaming' | 'done' | 'stopped' | 'error';

export interface ReplyError {
  message: string;
  param: string | null;
  code: string | null;
}

export interface Reply {
  text: string;
  status: ReplyStatus;
  error: ReplyError | null;
  /** performance.now() when the request left, at the first content and at the end. */
  startedAt: number;
  firstAt: number | null;
  endAt: number | null;
  /** Content deltas received (about one per token); the usage count replaces it when the server sends one. */
  pieces: number;
  completionTokens: number | null;
  finishReason: string | null;
}

export interface Turn {
  id: number;
  /** What this turn adds before the answer: usually one user message (a dataset example may end in a tool result). */
  input: ChatMessage[];
  /** The example's own assistant answer (what the model was trained to say), when the turn came from a dataset. */
  reference: string | null;
  /** Per model id. */
  replies: Record<string, Reply>;
}

/** Text of a message's content (string, or text parts). */
export function contentText(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => p.text).join('');
}

/** The messages `model` is sent for the next answer: system, context, then each turn with its answer from that model. */
export function messagesFor(model: string, system: string, context: ChatMessage[], turns: Turn[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (system.trim()) out.push({ role: 'system', content: system });
  out.push(...context);
  for (const t of turns) {
    out.push(...t.input);
    const r = t.replies[model];
    // An answer that never came (error, no text) is left out; a stopped one was seen and stays.
    if (r && r.text && r.status !== 'error') out.push({ role: 'assistant', content: r.text });
  }
  return out;
}

export interface LoadedExample {
  system: string | null;
  context: ChatMessage[];
  input: ChatMessage[];
  reference: string;
}

/**
 * Splits an example at its last assistant turn: what comes before it is run, the answer itself is
 * the reference. The system message goes to the system prompt; the messages after the previous
 * assistant turn (the question) become the turn's input, earlier ones the shared context.
 */
export function splitExample(text: string): LoadedExample {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('The example is not valid JSON.');
  }
  const raw = (parsed as { messages?: unknown }).messages;
  if (!Array.isArray(raw) || raw.length === 0) throw new Error('The example has no messages (a chat example has a "messages" list).');
  const messages = raw as ChatMessage[];
  let last = -1;
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'assistant') {
      last = i;
      break;
    }
  if (last < 0) throw new Error('The example has no assistant message to compare with.');
  const before = messages.slice(0, last);
  const system = before.length && before[0]!.role === 'system' ? contentText(before[0]!.content) : null;
  const rest = system === null ? before : before.slice(1);
  if (!rest.length) throw new Error('The example has no message before its assistant answer.');
  let start = rest.length;
  while (start > 0 && rest[start - 1]!.role !== 'assistant') start--;
  if (start === rest.length) throw new Error('The example has no question before its last assistant answer.');
  return { system, context: rest.slice(0, start), input: rest.slice(start), reference: contentText(messages[last]!.content) };
}

export interface ReplyFigures {
  /** Time to first token, seconds. */
  ttft: number | null;
  /** Decoding speed after the first token, tokens per second. */
  tokensPerS: number | null;
  tokens: number;
}

/** Figures for an answer so far (`now` while it streams). */
export function replyFigures(r: Reply, now: number): ReplyFigures {
  const tokens = r.completionTokens ?? r.pieces;
  const ttft = r.firstAt === null ? null : (r.firstAt - r.startedAt) / 1000;
  const end = r.endAt ?? now;
  const span = r.firstAt === null ? 0 : (end - r.firstAt) / 1000;
  // The first token's wait is the TTFT; speed counts the tokens after it over the time after it.
  const tokensPerS = tokens > 1 && span > 0 ? (tokens - 1) / span : null;
  return { ttft, tokensPerS, tokens };
}

/** Stop strings from the settings field: one per line (a written `\n` is a newline), blank lines dropped. */
export function parseStop(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.replace(/\\n/g, '\n'))
    .filter((s) => s.length > 0);
}

export interface SamplingText {
  temperature: string;
  top_p: string;
  max_tokens: string;
  seed: string;
  stop: string;
}

/** The request's sampling fields from the settings form: blanks are left out (the server's defaults). */
export function samplingBody(p: SamplingText): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const num = (k: keyof SamplingText) => {
    const v = p[k].trim();
    if (v !== '') body[k] = Number(v);
  };
  num('temperature');
  num('top_p');
  num('max_tokens');
  num('seed');
  const stop = parseStop(p.stop);
  if (stop.length) body.stop = stop;
  return body;
}

/** The error's message when its `param` names one of `fields` (or a part of one), as errorFor does for ApiErrors. */
export function fieldError(e: ReplyError | null, ...fields: string[]): string | null {
  if (!e?.param) return null;
  for (const f of fields) if (e.param === f || e.param.startsWith(`${f}.`) || e.param.startsWith(`${f}[`)) return e.message;
  return null;
}
