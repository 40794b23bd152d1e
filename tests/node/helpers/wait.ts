/** Polls `fn` until `ok` holds, or fails with what it last saw. */
export async function waitFor<T>(fn: () => Promise<T> | T, ok: (t: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
