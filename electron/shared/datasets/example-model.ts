/**
 * The example model shared by the editor (renderer) and the server's derive route: one example's
 * JSON text parsed into chat or preference form, immutable edit operations on it, the bulk weight
 * rules, and serialisation back to one JSONL line. Isomorphic: no node:*, no DOM.
 *
 * Objects are edited by copying, so key order is preserved (JSON.stringify writes keys in
 * insertion order); a new `weight` key is placed right after `content`.
 */
import type { Json, Obj } from '../validation/example-checks.js';

export type { Json, Obj };
export type ExampleKind = 'chat' | 'preference' | 'other';
/** Which list of messages: the conversation, or a preference example's two outputs. */
export type MessageList = 'messages' | 'preferred' | 'non_preferred';
export interface MessageRef {
  list: MessageList;
  index: number;
}
export type WeightRule = 'last_assistant_only' | 'all_assistant';

export type ParsedExample =
  | { ok: true; kind: ExampleKind; value: Obj }
  | { ok: false; error: string };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function kindOf(v: Obj): ExampleKind {
  if (isObj(v.input) || 'preferred_output' in v || 'non_preferred_output' in v) return 'preference';
  if (Array.isArray(v.messages)) return 'chat';
  return 'other';
}

/** Parses one example's raw text; never throws. */
export function parseExample(text: string): ParsedExample {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Invalid JSON: ${(e as Error).message}` };
  }
  if (!isObj(v)) return { ok: false, error: 'An example must be a JSON object.' };
  return { ok: true, kind: kindOf(v), value: v };
}

/** One JSONL line (no newline): keys in the order they have. */
export function serializeExample(v: Obj): string {
  return JSON.stringify(v);
}

const OUTPUT_KEY: Record<Exclude<MessageList, 'messages'>, string> = {
  preferred: 'preferred_output',
  non_preferred: 'non_preferred_output',
};

/** The messages of a list (a copy-safe view; [] when the list is missing or malformed). */
export function messagesOf(v: Obj, list: MessageList = 'messages'): Obj[] {
  let arr: Json | undefined;
  if (list === 'messages') arr = kindOf(v) === 'preference' ? (isObj(v.input) ? v.input.messages : undefined) : v.messages;
  else arr = v[OUTPUT_KEY[list]];
  return Array.isArray(arr) ? arr.filter(isObj) : [];
}

/** A copy of `v` with `list` replaced by `msgs` (creating the containers it needs). */
function withMessages(v: Obj, list: MessageList, msgs: Obj[]): Obj {
  if (list !== 'messages') return { ...v, [OUTPUT_KEY[list]]: msgs };
  if (kindOf(v) === 'preference') return { ...v, input: { ...(isObj(v.input) ? v.input : {}), messages: msgs } };
  return { ...v, messages: msgs };
}

function updateMessage(v: Obj, ref: MessageRef, f: (m: Obj) => Obj): Obj {
  const msgs = messagesOf(v, ref.list);
  if (ref.index < 0 || ref.index >= msgs.length) return v;
  const m = f(msgs[ref.index]!);
  if (m === msgs[ref.index]) return v;
  const next = msgs.slice();
  next[ref.index] = m;
  return withMessages(v, ref.list, next);
}

export function setContent(v: Obj, ref: MessageRef, content: string): Obj {
  return updateMessage(v, ref, (m) => ({ ...m, content }));
}

/** Changes the role; a weight only belongs on assistant turns, so it goes when the role changes away. */
export function setRole(v: Obj, ref: MessageRef, role: string): Obj {
  return updateMessage(v, ref, (m) => {
    const next: Obj = { ...m, role };
    if (role !== 'assistant') delete next.weight;
    return next;
  });
}

/** Inserts `msg` at position `at` (default: the end). */
export function addMessage(v: Obj, list: MessageList, msg: Obj, at?: number): Obj {
  const msgs = messagesOf(v, list).slice();
  msgs.splice(at ?? msgs.length, 0, msg);
  return withMessages(v, list, msgs);
}

export function deleteMessage(v: Obj, ref: MessageRef): Obj {
  const msgs = messagesOf(v, ref.list).slice();
  if (ref.index < 0 || ref.index >= msgs.length) return v;
  msgs.splice(ref.index, 1);
  return withMessages(v, ref.list, msgs);
}

/** Moves a message up (-1) or down (+1); out-of-range moves are no-ops. */
export function moveMessage(v: Obj, ref: MessageRef, delta: -1 | 1): Obj {
  const msgs = messagesOf(v, ref.list).slice();
  const to = ref.index + delta;
  if (ref.index < 0 || ref.index >= msgs.length || to < 0 || to >= msgs.length) return v;
  [msgs[ref.index], msgs[to]] = [msgs[to]!, msgs[ref.index]!];
  return withMessages(v, ref.list, msgs);
}

/** Absent weight means trained (1), as the trainer and OpenAI read it. */
export const isTrained = (m: Obj): boolean => m.role === 'assistant' && m.weight !== 0;

/** Sets `weight`, keeping its position when present, else placing it right after `content`. */
export function withWeight(m: Obj, weight: 0 | 1): Obj {
  if ('weight' in m) return m.weight === weight ? m : { ...m, weight };
  const out: Obj = {};
  let placed = false;
  for (const [k, val] of Object.entries(m)) {
    out[k] = val;
    if (k === 'content') {
      out.weight = weight;
      placed = true;
    }
  }
  if (!placed) out.weight = weight;
  return out;
}

/** Flips an assistant turn between trained and not trained; other roles are left alone. */
export function toggleWeight(v: Obj, ref: MessageRef): Obj {
  return updateMessage(v, ref, (m) => (m.role === 'assistant' ? withWeight(m, isTrained(m) ? 0 : 1) : m));
}

/**
 * The bulk rules, for chat examples (preference examples have no per-turn weights and are
 * returned as they are). Returns `v` itself when nothing changes, so callers can keep the
 * original bytes: turns already right keep their weight (or its absence).
 */
export function applyWeightRule(v: Obj, rule: WeightRule): Obj {
  if (kindOf(v) !== 'chat') return v;
  const msgs = messagesOf(v);
  if (msgs.length !== (v.messages as Json[]).length) return v; // malformed entries: leave for the validator
  let last = -1;
  msgs.forEach((m, i) => {
    if (m.role === 'assistant') last = i;
  });
  let changed = false;
  const next = msgs.map((m, i) => {
    if (m.role !== 'assistant') return m;
    const want = rule === 'all_assistant' || i === last ? 1 : 0;
    if (want === 1 && !('weight' in m)) return m;
    const n = withWeight(m, want);
    if (n !== m) changed = true;
    return n;
  });
  return changed ? { ...v, messages: next } : v;
}

/** Applies a rule to one example's raw text; returns the same string when nothing changes. */
export function applyWeightRuleToText(text: string, rule: WeightRule): string {
  const p = parseExample(text);
  if (!p.ok) return text;
  const next = applyWeightRule(p.value, rule);
  return next === p.value ? text : serializeExample(next);
}

/** The first user message's text, for list rows. */
export function firstUserText(v: Obj): string {
  const m = messagesOf(v).find((x) => x.role === 'user');
  if (!m) return '';
  const c = m.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join(' ');
  return '';
}

/** Assistant turns trained / total, for list badges. */
export function trainedTurns(v: Obj): { trained: number; assistant: number } {
  const msgs = messagesOf(v).filter((m) => m.role === 'assistant');
  return { trained: msgs.filter(isTrained).length, assistant: msgs.length };
}

/** A fresh example to start a new dataset with. */
export function blankExample(): Obj {
  return { messages: [{ role: 'user', content: '' }, { role: 'assistant', content: '' }] };
}
