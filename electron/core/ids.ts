import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 id with a type prefix, e.g. `file-3kTq…`, like OpenAI's. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 62]; // 248 = 4·62: reject the tail to stay unbiased
  }
  return prefix + out;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
