import { describe, expect, it } from 'vitest';
import { checkExample, issuesAt, messagePath } from './live-validation';

describe('live validation of one example', () => {
  it('places a bad weight at its message and leaves file-wide findings out', () => {
    const c = checkExample('{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a","weight":2}]}');
    expect(c.errors.map((e) => [e.category, e.path])).toEqual([['invalid_weight', 'messages[1].weight']]);
    expect(issuesAt(c.errors, messagePath('chat', 'messages', 1))).toHaveLength(1);
    expect(issuesAt(c.errors, 'messages[0]')).toHaveLength(0);
    expect(c.warnings.some((w) => w.category === 'too_few_examples' || w.category === 'few_examples')).toBe(false);
    expect(c.tokens).toBeNull();
  });

  it('counts a valid example (estimate) and puts a pretty-printed one on one line first', () => {
    const c = checkExample(JSON.stringify({ messages: [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'hi there' }] }, null, 2));
    expect(c.errors).toEqual([]);
    expect(c.tokens).toBeGreaterThan(0);
    expect(c.trained).toBeGreaterThan(0);
    expect(checkExample('{"messages": [').errors[0]!.category).toBe('invalid_json');
  });

  it('does not confuse messages[2] with messages[20]', () => {
    const issues = [{ category: 'x', line: 1, example: 1, path: 'messages[20].content', message: '' }];
    expect(issuesAt(issues, 'messages[2]')).toEqual([]);
    expect(issuesAt(issues, 'messages[20]')).toHaveLength(1);
  });
});
