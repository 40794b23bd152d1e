/**
 * Per-example checks for the three OpenAI fine-tuning formats. The cookbook's categories keep their
 * names and meaning; the stricter checks (tools, weights, preference pairs) follow the OpenAI
 * schemas quoted in the contract doc §6.3.
 */
import type { DatasetFormat, ErrorCategory, WarningCategory } from '../schemas/validation.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };
export type Message = Obj;

export interface CheckContext {
  error(category: ErrorCategory, path: string | null, message: string): void;
  warn(category: WarningCategory, path: string | null, message: string): void;
}

/** A format-valid example, as handed to the token counter. */
export type CheckedExample =
  | { format: 'chat'; messages: Message[]; tools: Json[] | null }
  | { format: 'preference'; messages: Message[]; chosen: Message; rejected: Message; tools: Json[] | null }
  | { format: 'completion'; prompt: string; completion: string };

export const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  system: ['role', 'content', 'name'],
  developer: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'refusal', 'tool_calls', 'function_call', 'weight'],
  tool: ['role', 'content', 'tool_call_id', 'name'],
  function: ['role', 'content', 'name'],
};
const CHAT_TOP_KEYS = ['messages', 'tools', 'parallel_tool_calls', 'functions'];
const PREF_TOP_KEYS = ['input', 'preferred_output', 'non_preferred_output', 'preferred_completion', 'non_preferred_completion'];
const PREF_INPUT_KEYS = ['messages', 'tools', 'parallel_tool_calls'];

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const q = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 57) + '...' : s);

/** The format an example is written in, from its keys alone. */
export function detectFormat(ex: Obj): DatasetFormat | null {
  for (const k of PREF_TOP_KEYS) if (has(ex, k)) return 'preference';
  if (has(ex, 'messages')) return 'chat';
  if (has(ex, 'prompt') || has(ex, 'completion')) return 'completion';
  return null;
}

export const FORMAT_NAMES: Record<DatasetFormat, string> = {
  chat: 'chat (supervised)',
  preference: 'preference (DPO)',
  completion: 'legacy prompt/completion',
};

/** Text of a message's content (string or text parts), for emptiness tests and counting. */
export function contentText(content: Json | undefined): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

interface ToolNames {
  names: Set<string> | null; // null: the example declares no tools
}

function checkToolDefs(ex: Obj, ctx: CheckContext, base: string): ToolNames {
  let names: Set<string> | null = null;
  if (has(ex, 'tools')) {
    const tools = ex.tools;
    if (!Array.isArray(tools)) ctx.error('invalid_tools', `${base}tools`, `tools must be an array, got ${typeName(tools)}`);
    else {
      names = new Set();
      tools.forEach((t, i) => {
        const p = `${base}tools[${i}]`;
        if (!isObj(t)) return ctx.error('invalid_tools', p, `tool must be an object, got ${typeName(t)}`);
        if (t.type !== 'function') ctx.error('invalid_tools', `${p}.type`, `tool type must be "function"`);
        const fn = t.function;
        if (!isObj(fn)) return ctx.error('invalid_tools', `${p}.function`, `tool needs a "function" object`);
        checkFunctionDef(fn, ctx, `${p}.function`, names!);
      });
    }
  }
  if (has(ex, 'functions')) {
    const fns = ex.functions;
    if (!Array.isArray(fns)) ctx.error('invalid_tools', `${base}functions`, `functions must be an array, got ${typeName(fns)}`);
    else {
      names ??= new Set();
      if (fns.length > 128) ctx.error('invalid_tools', `${base}functions`, `at most 128 functions are allowed, got ${fns.length}`);
      fns.forEach((f, i) => {
        if (!isObj(f)) return ctx.error('invalid_tools', `${base}functions[${i}]`, `function must be an object`);
        checkFunctionDef(f, ctx, `${base}functions[${i}]`, names!);
      });
    }
  }
  if (has(ex, 'parallel_tool_calls') && typeof ex.parallel_tool_calls !== 'boolean')
    ctx.error('invalid_field', `${base}parallel_tool_calls`, `parallel_tool_calls must be true or false`);
  return { names };
}

function checkFunctionDef(fn: Obj, ctx: CheckContext, p: string, names: Set<string>): void {
  if (typeof fn.name !== 'string' || fn.name.length === 0)
    ctx.error('invalid_tools', `${p}.name`, `function needs a non-empty string "name"`);
  else names.add(fn.name);
  if (has(fn, 'description') && typeof fn.description !== 'string')
    ctx.error('invalid_tools', `${p}.description`, `description must be a string`);
  if (has(fn, 'parameters') && !isObj(fn.parameters))
    ctx.error('invalid_tools', `${p}.parameters`, `parameters must be a JSON Schema object`);
}

function checkArguments(args: Json | undefined, ctx: CheckContext, p: string): void {
  if (typeof args !== 'string') {
    ctx.error('invalid_tool_call', p, `arguments must be a JSON-encoded string, got ${typeName(args)}`);
    return;
  }
  try {
    JSON.parse(args);
  } catch (e) {
    ctx.error('invalid_tool_call', p, `arguments is not valid JSON (${shortJsonError(e)})`);
  }
}

export function shortJsonError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 160 ? m.slice(0, 157) + '...' : m;
}

interface MessageOptions {
  /** Preference data: weight is not part of the DPO schema. */
  allowWeight: boolean;
  tools: ToolNames;
  callIds: Set<string>;
}

/** Checks one message; returns its role when it is a recognised one. */
function checkMessage(m: Json, p: string, ctx: CheckContext, opt: MessageOptions): string | null {
  if (!isObj(m)) {
    ctx.error('data_type', p, `message must be an object, got ${typeName(m)}`);
    return null;
  }
  if (!has(m, 'role')) {
    ctx.error('message_missing_key', p, `message has no "role"`);
  }
  const role = m.role;
  let known: string | null = null;
  if (has(m, 'role')) {
    if (typeof role === 'string' && (ROLES as readonly string[]).includes(role)) known = role;
    else
      ctx.error(
        'unrecognized_role',
        `${p}.role`,
        `role ${typeof role === 'string' ? q(role) : typeName(role)} is not one of ${ROLES.join(', ')}`,
      );
  }
  const allowed = known ? ALLOWED_KEYS[known]! : ['role', 'content', 'name', 'weight'];
  for (const k of Object.keys(m)) {
    if (k === 'weight' && known && known !== 'assistant') {
      ctx.error('weight_on_non_assistant', `${p}.weight`, `weight is only allowed on assistant messages, not ${known}`);
    } else if (!allowed.includes(k) && !(k === 'weight' && !known)) {
      ctx.error('message_unrecognized_key', `${p}.${k}`, `unrecognized key ${q(k)} in a ${known ?? 'message'} message`);
    }
  }
  if (has(m, 'name') && (typeof m.name !== 'string' || m.name.length === 0))
    ctx.error('invalid_field', `${p}.name`, `name must be a non-empty string`);

  const hasCalls = has(m, 'tool_calls') || has(m, 'function_call');
  if (known === 'assistant') {
    if (has(m, 'weight')) {
      if (!opt.allowWeight) ctx.error('invalid_weight', `${p}.weight`, `weight is not supported in preference data`);
      else if (m.weight !== 0 && m.weight !== 1)
        ctx.error('invalid_weight', `${p}.weight`, `weight must be 0 or 1, got ${JSON.stringify(m.weight)}`);
    }
    if (!has(m, 'content') && !hasCalls) ctx.error('message_missing_key', p, `assistant message has no "content" (and no tool calls)`);
    else if (has(m, 'content')) checkContent(m.content!, `${p}.content`, ctx, hasCalls ? 'optional' : 'assistant');
    if (has(m, 'tool_calls')) checkToolCalls(m.tool_calls!, `${p}.tool_calls`, ctx, opt);
    if (has(m, 'function_call')) {
      const fc = m.function_call;
      if (!isObj(fc)) ctx.error('invalid_tool_call', `${p}.function_call`, `function_call must be an object`);
      else {
        if (typeof fc.name !== 'string' || !fc.name)
          ctx.error('invalid_tool_call', `${p}.function_call.name`, `function_call needs a string "name"`);
        else if (opt.tools.names && !opt.tools.names.has(fc.name))
          ctx.warn('unknown_tool', `${p}.function_call.name`, `calls ${q(fc.name)}, which is not among the example's functions`);
        checkArguments(fc.arguments, ctx, `${p}.function_call.arguments`);
      }
    }
    if (has(m, 'refusal') && m.refusal !== null && typeof m.refusal !== 'string')
      ctx.error('invalid_field', `${p}.refusal`, `refusal must be a string or null`);
  } else if (known) {
    if (!has(m, 'content')) ctx.error('message_missing_key', p, `${known} message has no "content"`);
    else checkContent(m.content!, `${p}.content`, ctx, 'required');
    if (known === 'tool') {
      if (!has(m, 'tool_call_id')) ctx.error('message_missing_key', p, `tool message has no "tool_call_id"`);
      else if (typeof m.tool_call_id !== 'string' || !m.tool_call_id)
        ctx.error('invalid_field', `${p}.tool_call_id`, `tool_call_id must be a non-empty string`);
      else if (!opt.callIds.has(m.tool_call_id))
        ctx.error('invalid_tool_call', `${p}.tool_call_id`, `tool_call_id ${q(m.tool_call_id)} does not answer any earlier tool call`);
    }
    if (known === 'function' && !has(m, 'name')) ctx.error('message_missing_key', p, `function message has no "name"`);
  } else if (!has(m, 'content') && !hasCalls) {
    ctx.error('message_missing_key', p, `message has no "content"`);
  }
  return known;
}

function checkContent(c: Json, p: string, ctx: CheckContext, mode: 'required' | 'assistant' | 'optional'): void {
  if (c === null) {
    if (mode !== 'optional') ctx.error('missing_content', p, `content is null`);
    return;
  }
  if (typeof c === 'string') {
    if (c.trim().length === 0) {
      if (mode === 'required') ctx.error('missing_content', p, `content is empty`);
      else if (mode === 'assistant') ctx.warn('empty_assistant_reply', p, `assistant reply is empty`);
    }
    return;
  }
  if (Array.isArray(c)) {
    if (c.length === 0 && mode !== 'optional') ctx.error('missing_content', p, `content is an empty list`);
    c.forEach((part, i) => {
      if (!isObj(part) || part.type !== 'text' || typeof part.text !== 'string')
        ctx.error('invalid_content', `${p}[${i}]`, `only text parts ({"type":"text","text":"…"}) are supported`);
    });
    if (c.length > 0 && contentText(c).trim().length === 0 && mode === 'assistant')
      ctx.warn('empty_assistant_reply', p, `assistant reply is empty`);
    return;
  }
  ctx.error('missing_content', p, `content must be a string, got ${typeName(c)}`);
}

function checkToolCalls(calls: Json, p: string, ctx: CheckContext, opt: MessageOptions): void {
  if (!Array.isArray(calls) || calls.length === 0) {
    ctx.error('invalid_tool_call', p, `tool_calls must be a non-empty array`);
    return;
  }
  calls.forEach((tc, i) => {
    const cp = `${p}[${i}]`;
    if (!isObj(tc)) return ctx.error('invalid_tool_call', cp, `tool call must be an object`);
    if (typeof tc.id !== 'string' || !tc.id) ctx.error('invalid_tool_call', `${cp}.id`, `tool call needs a string "id"`);
    else opt.callIds.add(tc.id);
    if (tc.type !== 'function') ctx.error('invalid_tool_call', `${cp}.type`, `tool call type must be "function"`);
    const fn = tc.function;
    if (!isObj(fn)) return ctx.error('invalid_tool_call', `${cp}.function`, `tool call needs a "function" object`);
    if (typeof fn.name !== 'string' || !fn.name)
      ctx.error('invalid_tool_call', `${cp}.function.name`, `tool call needs a string function name`);
    else if (opt.tools.names && !opt.tools.names.has(fn.name))
      ctx.warn('unknown_tool', `${cp}.function.name`, `calls ${q(fn.name)}, which is not among the example's tools`);
    checkArguments(fn.arguments, ctx, `${cp}.function.arguments`);
  });
}

function checkMessages(list: Json | undefined, base: string, ctx: CheckContext, opt: MessageOptions): string[] | null {
  if (!Array.isArray(list) || list.length === 0) {
    const what = list === undefined ? 'is missing' : Array.isArray(list) ? 'is empty' : `must be a list, got ${typeName(list)}`;
    ctx.error('missing_messages_list', base || 'messages', `"messages" ${what}`);
    return null;
  }
  return list.map((m, i) => checkMessage(m, `${base}[${i}]`, ctx, opt) ?? '');
}

function unknownTopKeys(ex: Obj, allowed: string[], ctx: CheckContext, base = ''): void {
  for (const k of Object.keys(ex))
    if (!allowed.includes(k)) ctx.warn('unrecognized_example_key', `${base}${k}`, `key ${q(k)} is not part of the format and is ignored`);
}

export function checkChat(ex: Obj, ctx: CheckContext): CheckedExample {
  unknownTopKeys(ex, CHAT_TOP_KEYS, ctx);
  const tools = checkToolDefs(ex, ctx, '');
  const roles = checkMessages(ex.messages, 'messages', ctx, { allowWeight: true, tools, callIds: new Set() });
  if (roles) {
    if (!roles.includes('assistant'))
      ctx.error('example_missing_assistant_message', 'messages', `example has no assistant message, so nothing can be trained`);
    else {
      const msgs = ex.messages as Message[];
      const trained = msgs.some((m) => isObj(m) && m.role === 'assistant' && m.weight !== 0);
      if (!trained) ctx.warn('no_trained_tokens', 'messages', `every assistant message has weight 0, so nothing is trained`);
    }
    if (!roles.includes('system') && !roles.includes('developer'))
      ctx.warn('missing_system_message', 'messages', `example has no system message`);
    if (!roles.includes('user')) ctx.warn('missing_user_message', 'messages', `example has no user message`);
  }
  return {
    format: 'chat',
    messages: (Array.isArray(ex.messages) ? ex.messages : []) as Message[],
    tools: Array.isArray(ex.tools) ? ex.tools : Array.isArray(ex.functions) ? ex.functions : null,
  };
}

function pickOutput(ex: Obj, kind: 'preferred' | 'non_preferred', ctx: CheckContext, opt: MessageOptions): Message | null {
  const a = `${kind}_output`,
    b = `${kind}_completion`;
  if (has(ex, a) && has(ex, b)) {
    ctx.error('invalid_preference', b, `both ${q(a)} and ${q(b)} are given; use one`);
    return null;
  }
  const key = has(ex, a) ? a : has(ex, b) ? b : null;
  if (!key) {
    ctx.error('invalid_preference', null, `${q(a)} is missing`);
    return null;
  }
  const v = ex[key];
  if (!Array.isArray(v) || v.length !== 1) {
    ctx.error('invalid_preference', key, `${key} must be a list with exactly one assistant message`);
    return null;
  }
  const role = checkMessage(v[0]!, `${key}[0]`, ctx, opt);
  if (role !== null && role !== 'assistant') {
    ctx.error('invalid_preference', `${key}[0].role`, `${key} must hold an assistant message, not ${role}`);
    return null;
  }
  return isObj(v[0]) ? v[0] : null;
}

export function checkPreference(ex: Obj, ctx: CheckContext): CheckedExample {
  unknownTopKeys(ex, PREF_TOP_KEYS, ctx);
  const input = ex.input;
  let messages: Message[] = [];
  let tools: ToolNames = { names: null };
  if (!has(ex, 'input')) ctx.error('invalid_preference', null, `"input" is missing`);
  else if (!isObj(input)) ctx.error('invalid_preference', 'input', `input must be an object, got ${typeName(input)}`);
  else {
    unknownTopKeys(input, PREF_INPUT_KEYS, ctx, 'input.');
    tools = checkToolDefs(input, ctx, 'input.');
    const roles = checkMessages(input.messages, 'input.messages', ctx, { allowWeight: false, tools, callIds: new Set() });
    if (roles) {
      messages = input.messages as Message[];
      if (!roles.includes('user')) ctx.warn('missing_user_message', 'input.messages', `input has no user message`);
    }
  }
  const opt: MessageOptions = { allowWeight: false, tools, callIds: new Set() };
  const chosen = pickOutput(ex, 'preferred', ctx, opt);
  const rejected = pickOutput(ex, 'non_preferred', ctx, opt);
  if (chosen && rejected && JSON.stringify(chosen) === JSON.stringify(rejected))
    ctx.warn('identical_preference_pair', null, `preferred and non-preferred outputs are identical; the pair teaches nothing`);
  return {
    format: 'preference',
    messages,
    chosen: chosen ?? {},
    rejected: rejected ?? {},
    tools: isObj(input) && Array.isArray(input.tools) ? input.tools : null,
  };
}

export function checkCompletion(ex: Obj, ctx: CheckContext): CheckedExample {
  for (const k of Object.keys(ex))
    if (k !== 'prompt' && k !== 'completion')
      ctx.error('message_unrecognized_key', k, `unrecognized key ${q(k)}; prompt/completion examples have only "prompt" and "completion"`);
  for (const k of ['prompt', 'completion'] as const) {
    if (!has(ex, k)) ctx.error('message_missing_key', null, `${q(k)} is missing`);
    else if (typeof ex[k] !== 'string') ctx.error('invalid_field', k, `${k} must be a string, got ${typeName(ex[k])}`);
  }
  if (typeof ex.completion === 'string' && ex.completion.trim() === '')
    ctx.warn('empty_assistant_reply', 'completion', `completion is empty`);
  return {
    format: 'completion',
    prompt: typeof ex.prompt === 'string' ? ex.prompt : '',
    completion: typeof ex.completion === 'string' ? ex.completion : '',
  };
}

export const CHECKS: Record<DatasetFormat, (ex: Obj, ctx: CheckContext) => CheckedExample> = {
  chat: checkChat,
  preference: checkPreference,
  completion: checkCompletion,
};
