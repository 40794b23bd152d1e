/** The fast Node codec must give exactly the report the exact (browser) codec gives. */
import { describe, expect, it } from 'vitest';
import { DatasetValidator } from '../../shared/validation/index.js';
import { nodeCodec } from './node-codec.js';

const J = JSON.stringify;
const lines = [
  J({ messages: [{ role: 'system', content: 'Grüße 👋' }, { role: 'user', content: '東京は？' }, { role: 'assistant', content: 'Hauptstadt — ja.' }] }),
  J({ messages: [{ role: 'usér', content: 'x' }, { role: 'assistant', content: 'y' }] }),
  J({ messages: [{ role: 'user', content: 'x', 'stimmung😀': 1 }, { role: 'assistant', content: '\u00a0' }] }),
  '{"messages": [{"role": "user", "content": "ü" ]}',
  J({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', tool_calls: [{ id: 'ç', type: 'function', function: { name: 'ñ', arguments: '{"ö": }' } }] }] }),
  J({ messages: [{ role: 'system', content: 'Grüße 👋' }, { role: 'user', content: '東京は？' }, { role: 'assistant', content: 'Hauptstadt — ja.' }] }),
];
const bytes = new TextEncoder().encode(lines.join('\n') + '\n' + '[1]\n');
const bad = new Uint8Array([...bytes, 0x7b, 0xff, 0x7d, 0x0a]);

function run(data: Uint8Array, codec?: typeof nodeCodec, chunk = 7) {
  const v = new DatasetValidator({ codec });
  for (let i = 0; i < data.length; i += chunk) v.push(data.slice(i, i + chunk));
  return v.finish();
}

describe('nodeCodec', () => {
  it('gives the same report as the exact decoder, non-ASCII messages included', () => {
    const array = new TextEncoder().encode('[\n' + lines.filter((l) => !l.endsWith(']}')).join(',\n') + '\n]');
    for (const data of [bytes, bad, array]) {
      for (const chunk of [1, 7, 1 << 16]) expect(run(data, nodeCodec, chunk)).toEqual(run(data, undefined, chunk));
    }
    const r = run(bad, nodeCodec);
    expect(r.error_lines.join('\n')).toContain('role "usér"');
    expect(r.error_lines.join('\n')).toContain('"stimmung😀"');
    expect(r.error_counts.invalid_encoding).toBe(1);
  });
});
