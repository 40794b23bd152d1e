/**
 * The catalogue of broken datasets: each case is a small file with known problems, and asserts
 * the category, the 1-based line (and example index / JSON path where it matters).
 */
import { describe, expect, it } from 'vitest';
import { validateBytes, validateText, type ValidateOptions } from './index.js';
import { ERROR_CATEGORIES, WARNING_CATEGORIES, type ValidationReport } from '../schemas/validation.js';

const J = (v: unknown) => JSON.stringify(v);
const sys = { role: 'system', content: 'Be brief.' };
const user = { role: 'user', content: 'Hi?' };
const bot = { role: 'assistant', content: 'Hello.' };
const good = J({ messages: [sys, user, bot] });
/** A JSONL file: the given lines, padded with good examples to 12 so too_few_examples stays quiet. */
const padded = (filler: string, lines: string[]) => [...lines, ...Array(Math.max(0, 12 - lines.length)).fill(filler)].join('\n') + '\n';
const jsonl = (...lines: string[]) => padded(good, lines);
const goodPref = J({ input: { messages: [user] }, preferred_output: [bot], non_preferred_output: [{ role: 'assistant', content: 'No.' }] });
const goodCompletion = J({ prompt: 'a', completion: 'b' });
const chat = (...messages: unknown[]) => J({ messages });

interface Expect {
  category: string;
  line: number | null;
  example?: number | null;
  path?: string | null;
}
interface Case {
  name: string;
  text?: string;
  bytes?: Uint8Array;
  opts?: ValidateOptions;
  errors?: Expect[];
  warnings?: Expect[];
}

const cases: Case[] = [
  // --- file level ---
  { name: 'empty file', text: '', errors: [{ category: 'empty_file', line: null }] },
  { name: 'whitespace only', text: '\n \n\t\n', errors: [{ category: 'empty_file', line: null }] },
  { name: 'empty JSON array', text: '[ ]\n', errors: [{ category: 'empty_file', line: null }] },
  {
    name: 'UTF-16 with BOM',
    bytes: new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
    errors: [{ category: 'invalid_encoding', line: 1 }],
  },
  {
    name: 'UTF-16 without BOM',
    bytes: new Uint8Array([0x7b, 0x00, 0x22, 0x00, 0x61, 0x00]),
    errors: [{ category: 'invalid_encoding', line: 1 }],
  },
  {
    name: 'invalid UTF-8 on line 3',
    bytes: concatBytes(jsonl(good, good).split('\n').slice(0, 2).join('\n') + '\n', [0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a], jsonl()),
    errors: [{ category: 'invalid_encoding', line: 3, example: 3 }],
  },
  {
    name: 'too few examples (job mode)',
    text: [good, good, good].join('\n'),
    opts: { requireMinExamples: true },
    errors: [{ category: 'too_few_examples', line: null }],
  },
  {
    name: 'too few examples is a warning for plain validation',
    text: [good, good, good].join('\n'),
    warnings: [{ category: 'too_few_examples', line: null }],
  },
  { name: 'few examples (<50) warns', text: jsonl(), warnings: [{ category: 'few_examples', line: null }] },
  // --- JSON ---
  { name: 'invalid JSON line', text: jsonl(good, good, '{"messages": [}'), errors: [{ category: 'invalid_json', line: 3, example: 3 }] },
  {
    name: 'truncated last line',
    text: jsonl() + '{"messages": [{"role": "user", "content": "cut',
    errors: [{ category: 'invalid_json', line: 13, example: 13 }],
  },
  {
    name: 'pretty-printed JSON object (not JSONL)',
    text: '{\n  "messages": []\n}\n',
    errors: [{ category: 'invalid_json', line: 1 }],
  },
  {
    name: 'line too long',
    text: jsonl(good, J({ messages: [sys, user, { role: 'assistant', content: 'x'.repeat(5000) }] })),
    opts: { maxRecordBytes: 1000 },
    errors: [{ category: 'line_too_long', line: 2, example: 2 }],
  },
  {
    name: 'JSON array: bad element reported on its own line',
    text: '[\n' + [good, good, '{"messages": [1,]}', ...Array(9).fill(good)].join(',\n') + '\n]\n',
    errors: [{ category: 'invalid_json', line: 4, example: 3 }],
  },
  {
    name: 'JSON array: not closed',
    text: '[\n' + Array(12).fill(good).join(',\n') + '\n',
    errors: [{ category: 'invalid_json', line: 14 }],
  },
  {
    name: 'JSON array: trailing comma',
    text: '[\n' + Array(12).fill(good).join(',\n') + ',\n]',
    errors: [{ category: 'invalid_json', line: 14 }],
  },
  {
    name: 'JSON array: content after the array',
    text: '[\n' + Array(12).fill(good).join(',\n') + '\n]\n{"x": 1}\n',
    errors: [{ category: 'invalid_json', line: 15 }],
  },
  // --- cookbook categories ---
  { name: 'data_type: array line', text: jsonl(good, '[1, 2]'), errors: [{ category: 'data_type', line: 2 }] },
  { name: 'data_type: string line', text: jsonl('"hello"'), errors: [{ category: 'data_type', line: 1 }] },
  { name: 'data_type: message not an object', text: jsonl(chat(user, 'oops', bot)), errors: [{ category: 'data_type', line: 1, path: 'messages[1]' }] },
  { name: 'missing_messages_list: absent', text: jsonl(good, good, good, J({ conversation: [] })), errors: [{ category: 'missing_messages_list', line: 4 }] },
  { name: 'missing_messages_list: empty', text: jsonl(J({ messages: [] })), errors: [{ category: 'missing_messages_list', line: 1 }] },
  { name: 'missing_messages_list: not a list', text: jsonl(good, J({ messages: 'hi' })), errors: [{ category: 'missing_messages_list', line: 2 }] },
  {
    name: 'message_missing_key: role',
    text: jsonl(good, chat(sys, { content: 'x' }, bot)),
    errors: [{ category: 'message_missing_key', line: 2, path: 'messages[1]' }],
  },
  {
    name: 'message_missing_key: content',
    text: jsonl(chat(sys, { role: 'user' }, bot)),
    errors: [{ category: 'message_missing_key', line: 1, path: 'messages[1]' }],
  },
  {
    name: 'message_unrecognized_key',
    text: jsonl(good, good, chat(sys, { ...user, mood: 'happy' }, bot)),
    errors: [{ category: 'message_unrecognized_key', line: 3, path: 'messages[1].mood' }],
  },
  {
    name: 'unrecognized_role',
    text: jsonl(chat(sys, { role: 'human', content: 'x' }, bot)),
    errors: [{ category: 'unrecognized_role', line: 1, path: 'messages[1].role' }],
  },
  {
    name: 'missing_content: null user content',
    text: jsonl(good, chat(sys, { role: 'user', content: null }, bot)),
    errors: [{ category: 'missing_content', line: 2, path: 'messages[1].content' }],
  },
  {
    name: 'missing_content: number',
    text: jsonl(chat(sys, { role: 'user', content: 42 }, bot)),
    errors: [{ category: 'missing_content', line: 1, path: 'messages[1].content' }],
  },
  {
    name: 'missing_content: assistant null without calls',
    text: jsonl(chat(sys, user, { role: 'assistant', content: null })),
    errors: [{ category: 'missing_content', line: 1, path: 'messages[2].content' }],
  },
  {
    name: 'example_missing_assistant_message',
    text: jsonl(good, good, good, good, chat(sys, user)),
    errors: [{ category: 'example_missing_assistant_message', line: 5 }],
  },
  // --- weights ---
  {
    name: 'invalid_weight',
    text: jsonl(chat(sys, user, { ...bot, weight: 0.5 })),
    errors: [{ category: 'invalid_weight', line: 1, path: 'messages[2].weight' }],
  },
  {
    name: 'invalid_weight: boolean',
    text: jsonl(good, chat(sys, user, { ...bot, weight: true })),
    errors: [{ category: 'invalid_weight', line: 2, path: 'messages[2].weight' }],
  },
  {
    name: 'weight_on_non_assistant',
    text: jsonl(good, good, chat(sys, { ...user, weight: 1 }, bot)),
    errors: [{ category: 'weight_on_non_assistant', line: 3, path: 'messages[1].weight' }],
  },
  // --- tools ---
  {
    name: 'invalid_tool_call: arguments not JSON',
    text: jsonl(
      chat(user, { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a": ' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'ok' }, bot),
    ),
    errors: [{ category: 'invalid_tool_call', line: 1, path: 'messages[1].tool_calls[0].function.arguments' }],
  },
  {
    name: 'invalid_tool_call: arguments as an object',
    text: jsonl(good, chat(user, { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] })),
    errors: [{ category: 'invalid_tool_call', line: 2, path: 'messages[1].tool_calls[0].function.arguments' }],
  },
  {
    name: 'invalid_tool_call: tool answers unknown id',
    text: jsonl(chat(user, { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c9', content: 'ok' }, bot)),
    errors: [{ category: 'invalid_tool_call', line: 1, path: 'messages[2].tool_call_id' }],
  },
  {
    name: 'invalid_tool_call: legacy function_call',
    text: jsonl(good, good, chat(user, { role: 'assistant', content: null, function_call: { name: 'f', arguments: 'nope' } }, { role: 'function', name: 'f', content: '1' }, bot)),
    errors: [{ category: 'invalid_tool_call', line: 3, path: 'messages[1].function_call.arguments' }],
  },
  {
    name: 'message_missing_key: tool without tool_call_id',
    text: jsonl(chat(user, { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', content: 'ok' }, bot)),
    errors: [{ category: 'message_missing_key', line: 1, path: 'messages[2]' }],
  },
  {
    name: 'invalid_tools',
    text: jsonl(good, J({ messages: [user, bot], tools: [{ type: 'function', function: { description: 'no name' } }] })),
    errors: [{ category: 'invalid_tools', line: 2, path: 'tools[0].function.name' }],
  },
  {
    name: 'invalid_field: parallel_tool_calls',
    text: jsonl(J({ messages: [user, bot], parallel_tool_calls: 'yes' })),
    errors: [{ category: 'invalid_field', line: 1, path: 'parallel_tool_calls' }],
  },
  {
    name: 'invalid_content: image part',
    text: jsonl(chat(sys, { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }, bot)),
    errors: [{ category: 'invalid_content', line: 1, path: 'messages[1].content[0]' }],
  },
  // --- formats ---
  {
    name: 'mixed_formats',
    text: jsonl(good, good, J({ prompt: 'a', completion: 'b' })),
    errors: [{ category: 'mixed_formats', line: 3 }],
  },
  {
    name: 'unexpected_format (enforced preference)',
    text: jsonl(J({ input: { messages: [user] }, preferred_output: [bot], non_preferred_output: [bot] }), good),
    opts: { format: 'preference' },
    errors: [{ category: 'unexpected_format', line: 2 }],
  },
  {
    name: 'invalid_preference: two outputs',
    text: padded(goodPref, [J({ input: { messages: [user] }, preferred_output: [bot, bot], non_preferred_output: [bot] })]),
    errors: [{ category: 'invalid_preference', line: 1, path: 'preferred_output' }],
  },
  {
    name: 'invalid_preference: missing non_preferred',
    text: padded(goodPref, [J({ input: { messages: [user] }, preferred_completion: [bot] })]),
    errors: [{ category: 'invalid_preference', line: 1, path: null }],
  },
  {
    name: 'completion: missing completion',
    text: padded(goodCompletion, [goodCompletion, goodCompletion, goodCompletion, goodCompletion, J({ prompt: 'x' })]),
    errors: [{ category: 'message_missing_key', line: 5 }],
  },
  // --- warnings ---
  {
    name: 'duplicates, empty reply, no trained tokens, blank line, missing system/user',
    text: [good, good, '', chat(sys, user, { role: 'assistant', content: '' }), chat(user, { ...bot, weight: 0 }), chat(sys, bot), ...Array(7).fill(J({ messages: [sys, { role: 'user', content: 'q' }, bot] }))].join('\n'),
    warnings: [
      { category: 'duplicate_example', line: 2 },
      { category: 'blank_line', line: 3 },
      { category: 'empty_assistant_reply', line: 4, path: 'messages[2].content' },
      { category: 'no_trained_tokens', line: 5 },
      { category: 'missing_system_message', line: 5 },
      { category: 'missing_user_message', line: 6 },
    ],
  },
  {
    name: 'exceeds_context',
    text: jsonl(good, chat(sys, user, { role: 'assistant', content: 'word '.repeat(200) })),
    opts: { contextLength: 100 },
    warnings: [{ category: 'exceeds_context', line: 2 }],
  },
  {
    name: 'unknown tool and unrecognized example key',
    text: jsonl(J({ messages: [user, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'g', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c', content: '1' }, bot], tools: [{ type: 'function', function: { name: 'f' } }], meta: 1 })),
    warnings: [
      { category: 'unknown_tool', line: 1, path: 'messages[1].tool_calls[0].function.name' },
      { category: 'unrecognized_example_key', line: 1, path: 'meta' },
    ],
  },
  {
    name: 'identical preference pair',
    text: jsonl(...Array(12).fill(J({ input: { messages: [user] }, preferred_output: [bot], non_preferred_output: [bot] }))),
    warnings: [{ category: 'identical_preference_pair', line: 1 }],
  },
];

function concatBytes(...parts: (string | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : new Uint8Array(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

function run(c: Case): ValidationReport {
  return c.bytes ? validateBytes(c.bytes, c.opts) : validateText(c.text!, c.opts);
}

function expectIssues(list: ValidationReport['error_details'], expected: Expect[]) {
  for (const e of expected) {
    const match = list.find(
      (i) =>
        i.category === e.category &&
        i.line === e.line &&
        (e.example === undefined || i.example === e.example) &&
        (e.path === undefined || i.path === e.path),
    );
    expect(match, `${e.category} at line ${e.line} in ${JSON.stringify(list, null, 1)}`).toBeDefined();
  }
}

describe('catalogue of broken datasets', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = run(c);
      if (c.errors) {
        expect(r.valid).toBe(false);
        expectIssues(r.error_details, c.errors);
        // No category beyond the expected ones: each case breaks one thing.
        expect(Object.keys(r.error_counts).sort()).toEqual([...new Set(c.errors.map((e) => e.category))].sort());
        expect(r.error_lines).not.toContain('No errors found');
      } else {
        expect(r.error_lines).toEqual(['No errors found']);
        expect(r.valid).toBe(true);
      }
      if (c.warnings) expectIssues(r.warnings, c.warnings);
    });
  }

  it('covers every error and warning category', () => {
    const seen = new Set<string>();
    for (const c of cases) {
      const r = run(c);
      Object.keys(r.error_counts).forEach((k) => seen.add(`e:${k}`));
      Object.keys(r.warning_counts).forEach((k) => seen.add(`w:${k}`));
    }
    // Raised only with a model tokenizer (tokens.test.ts) or on internal failures.
    const elsewhere = ['e:chat_template_error', 'e:internal_error', 'w:token_count_failed'];
    const missing = [...ERROR_CATEGORIES.map((c) => `e:${c}`), ...WARNING_CATEGORIES.map((c) => `w:${c}`)].filter(
      (c) => !seen.has(c) && !elsewhere.includes(c),
    );
    expect(missing).toEqual([]);
  });
});

describe('report shape', () => {
  it('readable lines name the line and the problem', () => {
    const r = validateText(jsonl(good, good, '{"messages": [}'));
    expect(r.error_lines).toHaveLength(1);
    expect(r.error_lines[0]).toMatch(/^line 3: invalid JSON \(.+\)$/);
  });

  it('JSON-array lines name the example and its line', () => {
    const r = validateText('[\n' + [good, chat(sys, { role: 'robot', content: 'x' }, bot), ...Array(10).fill(good)].join(',\n') + '\n]');
    expect(r.container).toBe('json_array');
    expect(r.error_lines).toEqual([`example 2 (line 3), messages[1].role: role "robot" is not one of system, developer, user, assistant, tool, function`]);
  });

  it('counts every instance but lists only the first few, then a summary line', () => {
    const bad = chat(sys, { role: 'human', content: 'x' }, bot);
    const r = validateText(Array(20).fill(bad).join('\n'), { maxSamplesPerCategory: 3 });
    expect(r.error_counts).toEqual({ unrecognized_role: 20 });
    expect(r.error_details.map((i) => i.line)).toEqual([1, 2, 3]);
    expect(r.error_lines.at(-1)).toBe('unrecognized_role: 17 more like this not listed (20 in total)');
  });

  it('one message can break several cookbook rules at once', () => {
    const r = validateText(jsonl(chat(sys, { role: 'robot', foo: 1 }, bot)));
    expect(Object.keys(r.error_counts).sort()).toEqual(['message_missing_key', 'message_unrecognized_key', 'unrecognized_role']);
  });

  it('a BOM is accepted and line numbers are unchanged', () => {
    const r = validateBytes(concatBytes([0xef, 0xbb, 0xbf], jsonl(good, '{bad')));
    expect(r.error_details).toMatchObject([{ category: 'invalid_json', line: 2 }]);
  });

  it('CRLF line endings are fine', () => {
    const r = validateText(jsonl().replace(/\n/g, '\r\n'));
    expect(r.valid).toBe(true);
    expect(r.stats.examples).toBe(12);
  });

  it('accepts every valid chat variant: tools, legacy functions, developer role, text parts, weights', () => {
    const call = { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }] };
    const lines = [
      J({ messages: [{ role: 'developer', content: 'Rules.' }, user, call, { role: 'tool', tool_call_id: 'c1', content: '2' }, bot], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }], parallel_tool_calls: false }),
      J({ messages: [user, { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }, { role: 'function', name: 'f', content: '3' }, bot], functions: [{ name: 'f', parameters: {} }] }),
      chat(sys, { role: 'user', content: [{ type: 'text', text: 'Hi' }], name: 'ann' }, { ...bot, weight: 1 }, user, { ...bot, weight: 0, content: 'Hello again.' }),
      chat(sys, user, { role: 'assistant', content: 'No.', refusal: null }),
    ];
    const r = validateText(jsonl(...lines));
    expect(r.error_lines).toEqual(['No errors found']);
    expect(r.format).toBe('chat');
  });

  it('detects preference (both spellings) and completion formats', () => {
    const p1 = J({ input: { messages: [sys, user] }, preferred_output: [bot], non_preferred_output: [{ role: 'assistant', content: 'Go away.' }] });
    const p2 = J({ input: { messages: [user] }, preferred_completion: [bot], non_preferred_completion: [{ role: 'assistant', content: 'No.' }] });
    const r = validateText(Array(6).fill([p1, p2]).flat().join('\n'));
    expect(r.format).toBe('preference');
    expect(r.error_lines).toEqual(['No errors found']);
    const c = validateText(Array(12).fill(J({ prompt: 'Q: 2+2?', completion: ' 4' })).join('\n'));
    expect(c.format).toBe('completion');
    expect(c.valid).toBe(true);
  });

  it('enforcing chat on a completion file flags every example', () => {
    const r = validateText(Array(12).fill(J({ prompt: 'a', completion: 'b' })).join('\n'), { format: 'chat' });
    expect(r.format_source).toBe('enforced');
    expect(r.error_counts).toEqual({ unexpected_format: 12 });
  });
});
