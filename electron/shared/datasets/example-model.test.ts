import { describe, expect, it } from 'vitest';
import {
  addMessage,
  applyWeightRule,
  applyWeightRuleToText,
  deleteMessage,
  messagesOf,
  moveMessage,
  parseExample,
  serializeExample,
  setContent,
  setRole,
  toggleWeight,
  type Obj,
} from './index.js';

const chat = (text: string): Obj => {
  const p = parseExample(text);
  if (!p.ok) throw new Error(p.error);
  return p.value;
};
const line =
  '{"messages":[{"role":"system","content":"s"},{"role":"user","content":"q1"},{"role":"assistant","content":"a1"},{"role":"user","content":"q2"},{"role":"assistant","content":"a2","weight":1}],"extra":true}';

describe('parse', () => {
  it('tells chat, preference and other apart, and reports bad JSON without throwing', () => {
    expect(parseExample(line)).toMatchObject({ ok: true, kind: 'chat' });
    expect(parseExample('{"input":{"messages":[]},"preferred_output":[],"non_preferred_output":[]}')).toMatchObject({ ok: true, kind: 'preference' });
    expect(parseExample('{"prompt":"p","completion":"c"}')).toMatchObject({ ok: true, kind: 'other' });
    expect(parseExample('{"messages": [')).toMatchObject({ ok: false, error: expect.stringMatching(/^Invalid JSON/) });
    expect(parseExample('[1]')).toEqual({ ok: false, error: 'An example must be a JSON object.' });
  });
});

describe('edits serialise to one JSONL line with stable key order', () => {
  it('content and role', () => {
    let v = setContent(chat(line), { list: 'messages', index: 2 }, 'A1\nmore');
    expect(serializeExample(v)).toBe(line.replace('"a1"', '"A1\\nmore"'));
    v = setRole(v, { list: 'messages', index: 4 }, 'user');
    expect(messagesOf(v)[4]).toEqual({ role: 'user', content: 'a2' }); // weight dropped off a non-assistant turn
    expect(serializeExample(v).endsWith(',"extra":true}')).toBe(true);
  });

  it('weight goes right after content, and an existing weight keeps its place', () => {
    const v = toggleWeight(chat(line), { list: 'messages', index: 2 });
    expect(serializeExample(v)).toContain('{"role":"assistant","content":"a1","weight":0}');
    const w = toggleWeight(chat('{"messages":[{"weight":1,"role":"assistant","content":"x"}]}'), { list: 'messages', index: 0 });
    expect(serializeExample(w)).toBe('{"messages":[{"weight":0,"role":"assistant","content":"x"}]}');
    expect(serializeExample(toggleWeight(v, { list: 'messages', index: 2 }))).toContain('"content":"a1","weight":1}');
    // Not an assistant turn: unchanged.
    expect(toggleWeight(v, { list: 'messages', index: 1 })).toBe(v);
  });

  it('add, delete and reorder messages', () => {
    let v = chat('{"messages":[{"role":"user","content":"u"}]}');
    v = addMessage(v, 'messages', { role: 'assistant', content: 'a' });
    v = addMessage(v, 'messages', { role: 'system', content: 's' }, 0);
    expect(serializeExample(v)).toBe('{"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a"}]}');
    v = moveMessage(v, { list: 'messages', index: 0 }, 1);
    expect(messagesOf(v).map((m) => m.role)).toEqual(['user', 'system', 'assistant']);
    expect(moveMessage(v, { list: 'messages', index: 0 }, -1)).toBe(v);
    v = deleteMessage(v, { list: 'messages', index: 1 });
    expect(serializeExample(v)).toBe('{"messages":[{"role":"user","content":"u"},{"role":"assistant","content":"a"}]}');
  });

  it('edits a preference example inside input and its outputs', () => {
    const p = chat('{"input":{"messages":[{"role":"user","content":"u"}],"tools":[]},"preferred_output":[{"role":"assistant","content":"good"}],"non_preferred_output":[{"role":"assistant","content":"bad"}]}');
    let v = setContent(p, { list: 'non_preferred', index: 0 }, 'worse');
    v = setContent(v, { list: 'messages', index: 0 }, 'U');
    expect(serializeExample(v)).toBe('{"input":{"messages":[{"role":"user","content":"U"}],"tools":[]},"preferred_output":[{"role":"assistant","content":"good"}],"non_preferred_output":[{"role":"assistant","content":"worse"}]}');
  });
});

describe('bulk weight rules', () => {
  it('train only the last assistant turn', () => {
    const v = applyWeightRule(chat(line), 'last_assistant_only');
    expect(messagesOf(v).map((m) => m.weight)).toEqual([undefined, undefined, 0, undefined, 1]);
    expect(applyWeightRule(v, 'last_assistant_only')).toBe(v); // idempotent: same object, original bytes kept
  });

  it('train every assistant turn keeps absent weights absent', () => {
    const v = applyWeightRule(chat(line.replace('"a1"', '"a1","weight":0')), 'all_assistant');
    expect(messagesOf(v).map((m) => m.weight)).toEqual([undefined, undefined, 1, undefined, 1]);
    const plain = chat('{"messages":[{"role":"user","content":"u"},{"role":"assistant","content":"a"}]}');
    expect(applyWeightRule(plain, 'all_assistant')).toBe(plain);
  });

  it('on raw text: unchanged text comes back identical (spacing included); preference and bad JSON untouched', () => {
    const spaced = '{"messages": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]}';
    expect(applyWeightRuleToText(spaced, 'last_assistant_only')).toBe(spaced);
    expect(applyWeightRuleToText(spaced.replace('"a"}', '"a"}, {"role": "assistant", "content": "b"}'), 'last_assistant_only')).toBe(
      '{"messages":[{"role":"user","content":"u"},{"role":"assistant","content":"a","weight":0},{"role":"assistant","content":"b"}]}',
    );
    expect(applyWeightRuleToText('{"input":{}}', 'all_assistant')).toBe('{"input":{}}');
    expect(applyWeightRuleToText('nope', 'all_assistant')).toBe('nope');
  });
});
