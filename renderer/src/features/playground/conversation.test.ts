/**
 * The playground's pure parts: what each model is sent, how a dataset example is split at its
 * last assistant turn, the figures under an answer, the sampling body, which models share one
 * comparison stream, and the Python code.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '@shared/schemas/jobs.js';
import { fieldError, messagesFor, replyFigures, samplingBody, splitExample, type Reply, type Turn } from './conversation';
import { plan } from './run-stream';
import { pythonChatCode } from './request-code';

const reply = (p: Partial<Reply>): Reply => ({ text: '', status: 'done', error: null, startedAt: 0, firstAt: null, endAt: null, pieces: 0, completionTokens: null, finishReason: null, ...p });

describe('messagesFor', () => {
  it('sends system, context, then each turn with that model’s own answers; failed answers are left out', () => {
    const turns: Turn[] = [
      { id: 1, input: [{ role: 'user', content: 'hi' }], reference: null, replies: { a: reply({ text: 'A1' }), b: reply({ text: '', status: 'error' }) } },
      { id: 2, input: [{ role: 'user', content: 'again' }], reference: null, replies: {} },
    ];
    expect(messagesFor('a', 'Be brief.', [{ role: 'user', content: 'ctx' }, { role: 'assistant', content: 'ok' }], turns)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'ctx' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'again' },
    ]);
    expect(messagesFor('b', '  ', [], turns)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'user', content: 'again' },
    ]);
  });
});

describe('splitExample', () => {
  it('runs everything before the last assistant answer; the answer is the reference', () => {
    const ex = splitExample(
      JSON.stringify({
        messages: [
          { role: 'system', content: 'Terse.' },
          { role: 'user', content: 'one' },
          { role: 'assistant', content: 'first' },
          { role: 'user', content: [{ type: 'text', text: 'two' }] },
          { role: 'assistant', content: 'second', weight: 1 },
        ],
      }),
    );
    expect(ex.system).toBe('Terse.');
    expect(ex.context).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'first' },
    ]);
    expect(ex.input).toEqual([{ role: 'user', content: [{ type: 'text', text: 'two' }] }]);
    expect(ex.reference).toBe('second');
  });

  it('says why an example cannot be tried', () => {
    expect(() => splitExample('{oops')).toThrow('not valid JSON');
    expect(() => splitExample('{"prompt":"x"}')).toThrow('no messages');
    expect(() => splitExample('{"messages":[{"role":"user","content":"q"}]}')).toThrow('no assistant message');
    expect(() => splitExample('{"messages":[{"role":"system","content":"s"},{"role":"assistant","content":"a"}]}')).toThrow('no message before');
  });
});

describe('replyFigures', () => {
  it('TTFT from the request; speed over the tokens after the first; the usage count wins over deltas', () => {
    const f = replyFigures(reply({ startedAt: 1000, firstAt: 1250, endAt: 3250, pieces: 19, completionTokens: 21 }), 9999);
    expect(f.ttft).toBeCloseTo(0.25);
    expect(f.tokens).toBe(21);
    expect(f.tokensPerS).toBeCloseTo(10);
    // Still streaming: measured up to now; no first token yet: no figures.
    expect(replyFigures(reply({ status: 'streaming', startedAt: 0, firstAt: 500, pieces: 3 }), 1500).tokensPerS).toBeCloseTo(2);
    expect(replyFigures(reply({ status: 'waiting' }), 100)).toEqual({ ttft: null, tokensPerS: null, tokens: 0 });
  });
});

describe('samplingBody and fieldError', () => {
  it('leaves blanks out, sends numbers, one stop string per line', () => {
    expect(samplingBody({ temperature: '0', top_p: '', max_tokens: '32', seed: '7', stop: 'END\n\n\\n\\n' })).toEqual({ temperature: 0, max_tokens: 32, seed: 7, stop: ['END', '\n\n'] });
  });
  it('matches a param and its sub-paths only', () => {
    const e = { message: 'bad', param: 'models.1', code: null };
    expect(fieldError(e, 'models')).toBe('bad');
    expect(fieldError(e, 'model')).toBeNull();
    expect(fieldError({ ...e, param: 'max_completion_tokens' }, 'max_tokens', 'max_completion_tokens')).toBe('bad');
  });
});

const m = (id: string, kind: Model['kind'], base: string | null = null) => ({ id, object: 'model', created: 0, owned_by: 'hone', kind, base_model: base, path: null }) as Model;

describe('plan', () => {
  it('models on one base share a comparison; the rest stream alone', () => {
    const cat = [m('tiny', 'builtin'), m('ft:tiny:a', 'fine-tuned', 'tiny'), m('ft:tiny:b', 'fine-tuned', 'tiny'), m('smol', 'builtin')];
    expect(plan(['tiny', 'smol', 'ft:tiny:a', 'ft:tiny:b'], cat)).toEqual({ compare: [['tiny', 'ft:tiny:a', 'ft:tiny:b']], solo: ['smol'] });
    expect(plan(['ft:tiny:a'], cat)).toEqual({ compare: [], solo: ['ft:tiny:a'] });
  });
});

describe('pythonChatCode', () => {
  it('one loop over the models with the shared messages and the sampling fields; no key in it', () => {
    const msgs = [{ role: 'user', content: 'Hi "there"' }];
    const code = pythonChatCode(['tiny', 'ft:tiny:a'], { tiny: msgs, 'ft:tiny:a': msgs }, { temperature: 0, stop: ['END'] }, 'http://127.0.0.1:8017/');
    expect(code).toContain('base_url="http://127.0.0.1:8017/v1"');
    expect(code).toContain('api_key=os.environ["HONE_API_KEY"]');
    expect(code).toContain('messages = [{"role": "user", "content": "Hi \\"there\\""}]');
    expect(code).toContain('for model in ["tiny", "ft:tiny:a"]:');
    expect(code).toContain('        temperature=0,\n        stop=["END"],\n        stream=True,');
  });
  it('each model its own history once their answers differ', () => {
    const code = pythonChatCode(['a', 'b'], { a: [{ role: 'assistant', content: 'x' }], b: [] }, {}, 'http://h');
    expect(code).toContain('conversations = {"a": [{"role": "assistant", "content": "x"}], "b": []}');
    expect(code).toContain('for model, messages in conversations.items():');
  });
});
