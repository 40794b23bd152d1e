import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A minimal sessionStorage: vitest runs these in Node.
const store = new Map<string, string>();
beforeEach(() => {
  store.clear();
  vi.stubGlobal('sessionStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) });
  vi.stubGlobal('window', {});
});
afterEach(() => vi.unstubAllGlobals());

describe('desktop key hand-off', () => {
  it("stores the key the preload hands over, and nothing in a browser or on a refusal", async () => {
    const { getToken, takeTokenFromDesktop } = await import('./session');
    await takeTokenFromDesktop(undefined);
    expect(getToken()).toBeNull();
    await takeTokenFromDesktop({ session: () => Promise.reject(new Error('hone:session: refused')) });
    expect(getToken()).toBeNull();
    await takeTokenFromDesktop({ session: async () => ({ key: null }) });
    expect(getToken()).toBeNull();
    await takeTokenFromDesktop({ session: async () => ({ key: 'sk-hone-1' }) });
    expect(getToken()).toBe('sk-hone-1');
  });
});
