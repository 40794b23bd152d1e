/**
 * Token counts against the trainer's own labels: oracle-counts.json was produced by
 * hone_trainer.labels.ChatEncoder on the hone-tiny-llama tokenizer (fixtures/make-oracle.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EstimateTokenCounter, HfTokenCounter, validateText, type HfTokenizerFiles } from './index.js';
import { checkChat } from './example-checks.js';
import { Tokenizer } from '@huggingface/tokenizers';

const fx = new URL('./fixtures/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fx), 'utf8');
const files: HfTokenizerFiles = {
  tokenizerJson: JSON.parse(read('hone-tiny-llama/tokenizer.json')),
  tokenizerConfig: JSON.parse(read('hone-tiny-llama/tokenizer_config.json')),
  chatTemplate: read('hone-tiny-llama/chat_template.jinja'),
  modelConfig: JSON.parse(read('hone-tiny-llama/config.json')),
};
const examples = read('oracle-examples.jsonl').trim().split('\n');
const oracle = JSON.parse(read('oracle-counts.json')) as Record<'markers' | 'prefix', { total: number; trained: number }[]>;
const noop = { error: () => {}, warn: () => {} };

describe('HfTokenCounter (hone-tiny-llama)', () => {
  it('matches the trainer exactly with {% generation %} markers', () => {
    const c = new HfTokenCounter(files, 'hone-tiny-llama');
    expect(examples.map((l) => c.count(checkChat(JSON.parse(l), noop)))).toEqual(oracle.markers);
  });

  it("matches the trainer's prefix-diff mode for a template without markers", () => {
    const plain = { ...files, chatTemplate: files.chatTemplate!.replace(/\{%-?\s*(end)?generation\s*-?%\}/g, '') };
    const c = new HfTokenCounter(plain, 'hone-tiny-llama');
    expect(examples.map((l) => c.count(checkChat(JSON.parse(l), noop)))).toEqual(oracle.prefix);
  });

  it('reads the chat template from tokenizer_config.json when there is no .jinja file', () => {
    const c = new HfTokenCounter(
      { ...files, chatTemplate: null, tokenizerConfig: { ...files.tokenizerConfig, chat_template: files.chatTemplate } },
      'm',
    );
    expect(c.count(checkChat(JSON.parse(examples[0]!), noop))).toEqual(oracle.markers[0]);
  });

  it('takes the context length from config.json and reports exact counting', () => {
    const r = validateText(examples.join('\n'), { tokenCounter: new HfTokenCounter(files, 'hone-tiny-llama') });
    expect(r.stats.token_counting).toMatchObject({ method: 'model', model: 'hone-tiny-llama', context_length: 1024 });
    const totals = oracle.markers.map((o) => o.total);
    expect(r.stats.tokens_per_example).toMatchObject({ min: Math.min(...totals), max: Math.max(...totals) });
    expect(r.stats.tokens_per_epoch).toBe(totals.reduce((a, b) => a + b, 0));
    expect(r.stats.trained_tokens_per_epoch).toBe(oracle.markers.reduce((a, o) => a + o.trained, 0));
  });

  it('warns about examples longer than the model context', () => {
    const long = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'word '.repeat(2000) }] });
    const r = validateText(long, { tokenCounter: new HfTokenCounter(files, 'hone-tiny-llama') });
    expect(r.warning_counts.exceeds_context).toBe(1);
    expect(r.stats.examples_over_context).toBe(1);
    expect(r.stats.tokens_per_epoch).toBe(1024); // billed up to the context length
  });

  it("reports an example the model's template rejects as chat_template_error", () => {
    const strict = { ...files, chatTemplate: "{%- if messages[0].role != 'user' %}{{ raise_exception('Conversations must start with a user message') }}{% endif %}{{ messages[0].content }}" };
    const r = validateText(JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }] }), {
      tokenCounter: new HfTokenCounter(strict, 'strict-model'),
    });
    expect(r.error_details).toMatchObject([{ category: 'chat_template_error', line: 1 }]);
    expect(r.error_details[0]!.message).toContain('Conversations must start with a user message');
  });

  it('counts preference pairs (both completions trained) and prompt/completion examples', () => {
    const c = new HfTokenCounter(files, 'hone-tiny-llama');
    const user = { role: 'user', content: 'Hello there!' };
    const good = { role: 'assistant', content: 'Hi! How can I help you today?' };
    const pref = c.count({ format: 'preference', messages: [user], chosen: good, rejected: { role: 'assistant', content: 'No.' }, tools: null });
    const chosenOnly = c.count(checkChat({ messages: [user, good] }, noop));
    expect(pref.total).toBe(chosenOnly.total);
    expect(pref.trained).toBeGreaterThan(chosenOnly.trained);
    const comp = c.count({ format: 'completion', prompt: 'Hello', completion: ' world' });
    expect(comp.trained).toBe(c.tokens(' world'));
  });
});

describe('speed-ups stay exact', () => {
  it('the section cache and memoized byte-level pre-tokenizer agree with the plain library', () => {
    const c = new HfTokenCounter(files, 'hone-tiny-llama');
    const plain = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    const pieces = ['Hello', ' world', '\n\n', '  ', 'Grüße', ' 東京', '🙂', "'s", ' 42', '<|im_start|>', '<|im_end|>', 'user\n', '\t', '—', 'x'];
    let seed = 3;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 1500; i++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 30) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
      expect(c.tokens(text)).toBe(plain.tokenize(text, { add_special_tokens: false }).length);
    }
    // Past its 256 self-checks the memoized method is still installed: no mismatch was ever seen.
    const pre = (c as unknown as { tokenizer: { pre_tokenizer: object } }).tokenizer.pre_tokenizer;
    expect(Object.prototype.hasOwnProperty.call(pre, 'pre_tokenize_text')).toBe(true);
  });
});

describe('estimate', () => {
  it('is labelled as an estimate, with the cookbook default limit', () => {
    const r = validateText(examples.join('\n'));
    expect(r.stats.token_counting.method).toBe('estimate');
    expect(r.stats.token_counting.context_length).toBe(16385);
    expect(r.stats.token_counting.note).toMatch(/estimate/i);
  });

  it('is within a factor of two of the real tokenizer on ordinary chat', () => {
    const c = new HfTokenCounter(files, 'hone-tiny-llama');
    const e = new EstimateTokenCounter();
    for (const l of examples) {
      const ex = checkChat(JSON.parse(l), noop);
      const real = c.count(ex).total;
      const est = e.count(ex).total;
      expect(est / real).toBeGreaterThan(0.3);
      expect(est / real).toBeLessThan(2);
    }
  });
});
