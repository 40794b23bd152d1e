/** Retries and a small worker pool for upload parts; pure async helpers, tested with fake work. */
import { ApiError } from '@/api';

export const isAbort = (e: unknown): boolean => e instanceof DOMException && e.name === 'AbortError';

/** Worth another try: the network dropped or the server failed (5xx, 408, 429); never a 4xx about the request itself. */
export function isRetryable(e: unknown): boolean {
  if (isAbort(e)) return false;
  if (e instanceof ApiError) return e.isNetwork || e.status >= 500 || e.status === 408 || e.status === 429;
  return false;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('Aborted', 'AbortError'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new DOMException('Aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  /** Extra attempts after the first. */
  retries: number;
  /** First backoff; doubled on each retry. */
  baseMs: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, error: unknown) => void;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= opts.retries || !isRetryable(e) || opts.signal?.aborted) throw e;
      opts.onRetry?.(attempt + 1, e);
      await sleep(opts.baseMs * 2 ** attempt, opts.signal);
    }
  }
}

/**
 * Runs `worker` over items with at most `concurrency` in flight; results in input order. The
 * first failure stops new work from starting and is rethrown once running work has settled.
 */
export async function runPool<I, O>(items: readonly I[], concurrency: number, worker: (item: I) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  let failed: { error: unknown } | null = null;
  const lane = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await worker(items[i]!);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  if (failed) throw (failed as { error: unknown }).error;
  return out;
}
