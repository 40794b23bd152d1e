import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, chmodSync, existsSync } from 'node:fs';
import { writeSecretFile } from '../storage/secret-file.js';

export interface ResolvedKey {
  key: string;
  /** Where it came from, for the start-up message. */
  source: 'env' | 'file' | 'generated';
}

/**
 * The API key: `HONE_API_KEY` if set, else the one stored in the data dir, else a new random
 * key written there with mode 0600 (only this user can read it).
 */
export function resolveApiKey(envValue: string | undefined, keyFile: string): ResolvedKey {
  if (envValue && envValue.trim()) return { key: envValue.trim(), source: 'env' };
  if (existsSync(keyFile)) {
    chmodSync(keyFile, 0o600);
    const stored = readFileSync(keyFile, 'utf8').trim();
    if (stored) return { key: stored, source: 'file' };
  }
  return { key: rotateApiKey(keyFile), source: 'generated' };
}

/** A new random key written over the stored one (0600, atomically); the old key stops working. */
export function rotateApiKey(keyFile: string): string {
  const key = `hone-${randomBytes(32).toString('base64url')}`;
  writeSecretFile(keyFile, `${key}\n`);
  return key;
}

/** Constant-time comparison; hashing first makes both sides the same length. */
export function keyMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The key from `Authorization: Bearer …` or the Azure-style `api-key` header. */
export function keyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
  }
  const apiKey = headers['api-key'];
  if (typeof apiKey === 'string' && apiKey.trim()) return apiKey.trim();
  return null;
}
