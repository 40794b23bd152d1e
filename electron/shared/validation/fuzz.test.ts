/**
 * Hostile input never throws out of the validator, never blows the stack, and never goes quadratic;
 * and the report does not depend on how the bytes were chunked.
 */
import { describe, expect, it } from 'vitest';
import { DatasetValidator, validateBytes, validateText } from './index.js';
import { ValidationReport } from '../schemas/validation.js';

let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const randBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
const enc = (s: string) => new TextEncoder().encode(s);

const good = JSON.stringify({
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Grüße aus Köln 👋 — what is 2+2?' },
    { role: 'assistant', content: 'Four.' },
  ],
});
const sampleJsonl = [good, good.replace('Four', 'Vier'), '{"messages": [', '', '{"messages": []}', good.replace('Four', '4'), '[1]']
  .join('\n')
  .concat('\n');
const sampleArray = '[\n' + [good, good.replace('Four', 'Vier'), '{"prompt": "x"}', '7', '"s"'].join(',\n') + '\n]';

function inChunks(bytes: Uint8Array, size: number): ValidationReport {
  const v = new DatasetValidator();
  for (let i = 0; i < bytes.length; i += size) v.push(bytes.slice(i, i + size));
  return v.finish();
}

describe('chunking invariance', () => {
  for (const [name, text] of [
    ['jsonl', sampleJsonl],
    ['json array', sampleArray],
    ['BOM + CRLF', '\uFEFF' + sampleJsonl.replace(/\n/g, '\r\n')],
  ] as const) {
    it(`${name}: identical report for chunk sizes 1, 2, 3, 7, 64 KiB`, () => {
      const bytes = enc(text);
      const whole = inChunks(bytes, 1 << 16);
      expect(whole.stats.examples).toBeGreaterThan(2);
      for (const size of [1, 2, 3, 7]) expect(inChunks(bytes, size)).toEqual(whole);
    });
  }

  it('invalid UTF-8 split across chunk boundaries is found on the right line', () => {
    const bytes = new Uint8Array([...enc(good + '\n'), ...enc('{"messages": "'), 0xe2, 0x82, ...enc('"}\n'), ...enc(good + '\n')]);
    for (const size of [1, 5, 1 << 16]) {
      const r = inChunks(bytes, size);
      expect(r.error_details).toMatchObject([{ category: 'invalid_encoding', line: 2 }]);
    }
  });

  it('a multi-byte character split across chunks is decoded correctly', () => {
    const bytes = enc(Array(12).fill(good).join('\n'));
    for (const size of [1, 2, 3]) expect(inChunks(bytes, size).valid).toBe(true);
  });
});

describe('fuzz: never throws', () => {
  it('random bytes', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = randBytes(1 + Math.floor(rand() * 400));
      const r = validateBytes(bytes, {}, 1 + Math.floor(rand() * 64));
      expect(ValidationReport.safeParse(r).success).toBe(true);
    }
  });

  it('random bytes that start like a JSON array', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = new Uint8Array([0x5b, ...randBytes(Math.floor(rand() * 300))]);
      expect(() => validateBytes(bytes, {}, 17)).not.toThrow();
    }
  });

  it('every truncation of a valid file', () => {
    for (const text of [sampleJsonl, sampleArray]) {
      const bytes = enc(text);
      for (let n = 0; n <= bytes.length; n++) {
        const r = validateBytes(bytes.subarray(0, n), {}, 13);
        expect(ValidationReport.safeParse(r).success).toBe(true);
      }
    }
  });

  it('random mutations of valid JSON (structure characters inserted and deleted)', () => {
    const alphabet = '{}[]",:\\ \n0a\u00e9';
    for (let i = 0; i < 300; i++) {
      const chars = [...(rand() < 0.5 ? sampleJsonl : sampleArray)];
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(rand() * chars.length);
        if (rand() < 0.5) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)]!);
      }
      expect(() => validateText(chars.join(''))).not.toThrow();
    }
  });

  it('JSON of the wrong shape everywhere', () => {
    const weird = [
      '{"messages": [{"role": "assistant", "content": "x", "tool_calls": {"a": 1}}]}',
      '{"messages": [{"role": "tool", "tool_call_id": 5, "content": {}}]}',
      '{"messages": [{"role": ["user"], "content": [null, 1, {"type": "text"}]}]}',
      '{"messages": {"0": {"role": "user"}}}',
      '{"input": 5, "preferred_output": {}, "non_preferred_output": [1]}',
      '{"input": {"messages": null, "tools": "x"}, "preferred_completion": [null], "non_preferred_completion": [{"role": "user", "content": "u"}]}',
      '{"prompt": 1, "completion": [], "x": null}',
      '{"messages": [{"role": "assistant", "function_call": "x", "weight": "1"}], "functions": {}, "tools": [null, {"function": []}]}',
      '{"__proto__": {"role": "user"}, "constructor": 1, "messages": [{"role": "user", "content": "hi", "__proto__": 1}]}',
      'null',
      '1e999',
      '"\\ud800"',
    ];
    const r = validateText(weird.join('\n'));
    expect(r.valid).toBe(false);
    expect(r.stats.examples).toBe(weird.length);
    expect(ValidationReport.safeParse(r).success).toBe(true);
  });
});

describe('fuzz: big and deep input', () => {
  it('a 10 MB single line, valid and invalid, in small chunks', () => {
    const big = JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'x'.repeat(10 * 1024 * 1024) }] });
    const t0 = performance.now();
    const ok = validateBytes(enc(big + '\n'), {}, 1 << 16);
    expect(ok.error_lines).toEqual(['No errors found']);
    expect(ok.stats.tokens_per_example!.max).toBeGreaterThan(2_000_000);
    const bad = validateBytes(enc(big.slice(0, -2) + '\n' + good + '\n'), {}, 1 << 16);
    expect(bad.error_details).toMatchObject([{ category: 'invalid_json', line: 1 }]);
    expect(bad.stats.examples).toBe(2);
    // Linear work: far below what concatenating chunks quadratically would cost.
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a 10 MB JSON-array element', () => {
    const big = JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'y'.repeat(10 * 1024 * 1024) }] });
    const r = validateBytes(enc('[' + big + ']'), {}, 1 << 16);
    expect(r.error_lines).toEqual(['No errors found']);
  });

  it('deep nesting does not overflow the stack (JSONL and JSON array)', () => {
    const depth = 200_000;
    const deep = '{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": ' +
      '{"a": '.repeat(depth) + '1' + '}'.repeat(depth) + '}}]}';
    const r = validateText(deep + '\n');
    expect(r.error_counts).toEqual({});
    const arrays = '['.repeat(depth) + ']'.repeat(depth);
    expect(validateText(arrays).error_counts).toEqual({ data_type: 1 });
    expect(validateText('[' + arrays + ']').error_counts).toEqual({ data_type: 1 });
    const unclosed = '['.repeat(depth);
    expect(validateText(unclosed).valid).toBe(false);
  });

  it('deeply nested tool-call arguments are parsed without recursion', () => {
    const args = JSON.stringify('['.repeat(100_000) + ']'.repeat(100_000));
    const ex = `{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": ${args}}}]}]}`;
    expect(validateText(ex).error_counts).toEqual({});
  });

  it('an over-long line is skipped without holding it, and the next line still counts', () => {
    const v = new DatasetValidator({ maxRecordBytes: 1 << 20 });
    const junk = new Uint8Array(1 << 16).fill(0x61);
    for (let i = 0; i < 64; i++) v.push(junk); // 4 MiB without a newline
    v.push(enc('\n' + good + '\n'));
    const r = v.finish();
    expect(r.error_details).toMatchObject([{ category: 'line_too_long', line: 1 }]);
    expect(r.stats.valid_examples).toBe(1);
  });
});
