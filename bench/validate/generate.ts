/** Writes a synthetic chat JSONL of about `bytes` bytes, streamed (never built in memory). */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const WORDS = (
  'the model answers questions about weather travel cooking history science music sport code ' +
  'please explain why how when where what which could would should maybe really quickly carefully ' +
  'Köln Zürich naïve café 東京 données größer — “quotes” and \\ backslashes and "escapes" 42 3.14 🙂'
).split(' ');

let seed = 1;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const sentence = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');

export function example(): string {
  const turns = 1 + Math.floor(rand() * 3);
  const messages: object[] = [{ role: 'system', content: 'You are a helpful assistant. ' + sentence(8) }];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: sentence(10 + Math.floor(rand() * 30)) + '?' });
    const reply: Record<string, unknown> = { role: 'assistant', content: sentence(20 + Math.floor(rand() * 80)) + '.' };
    if (turns > 1 && t === 0) reply.weight = 0;
    messages.push(reply);
  }
  return JSON.stringify({ messages });
}

export async function generate(path: string, bytes: number): Promise<{ bytes: number; examples: number }> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let written = 0;
  let examples = 0;
  let batch: string[] = [];
  let batchLen = 0;
  while (written < bytes) {
    const line = example() + '\n';
    batch.push(line);
    batchLen += Buffer.byteLength(line);
    examples++;
    if (batchLen >= 1 << 20 || written + batchLen >= bytes) {
      written += batchLen;
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch = [];
      batchLen = 0;
    }
  }
  out.end();
  await once(out, 'finish');
  return { bytes: written, examples };
}
