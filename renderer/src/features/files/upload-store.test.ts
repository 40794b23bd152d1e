import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OpenAIFile } from '@shared/schemas/files.js';

// The network side is covered end to end (e2e/web/files.spec.ts); here only the queue's rules.
const pending: { name: string; resolve: (f: OpenAIFile) => void; reject: (e: unknown) => void; signal: AbortSignal; progress: (n: number) => void }[] = [];
vi.mock('./uploader', () => ({
  uploadFile: (file: File, _purpose: string, hooks: { signal: AbortSignal; onProgress: (n: number) => void }) =>
    new Promise<OpenAIFile>((resolve, reject) => {
      pending.push({ name: file.name, resolve, reject, signal: hooks.signal, progress: hooks.onProgress });
      hooks.signal.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));
    }),
  cancelUpload: async () => {},
}));
const { useUploads, FILE_CONCURRENCY } = await import('./upload-store');

const fakeFile = (name: string): OpenAIFile => ({ id: `id-${name}`, object: 'file', bytes: 3, created_at: 1, expires_at: null, filename: name, purpose: 'fine-tune', status: 'processed', status_details: null, checksum: '0'.repeat(32), sha256: '0'.repeat(64) });
const tick = () => new Promise((r) => setTimeout(r, 0));
const state = (name: string) => useUploads.getState().items.find((i) => i.name === name)?.state;

describe('upload queue', () => {
  beforeEach(() => {
    pending.length = 0;
    useUploads.setState({ items: [], finished: 0 });
  });

  it('runs at most 3 files at once and starts the next when one finishes', async () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((n) => new File(['abc'], n));
    useUploads.getState().add(files, 'fine-tune');
    await tick();
    expect(pending.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(FILE_CONCURRENCY).toBe(3);
    expect(state('d')).toBe('queued');
    pending[0]!.resolve(fakeFile('a'));
    await tick();
    expect(state('a')).toBe('done');
    expect(useUploads.getState().items.find((i) => i.name === 'a')!.file!.checksum).toHaveLength(32);
    expect(useUploads.getState().finished).toBe(1);
    expect(pending.map((p) => p.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('cancels a running upload (its signal aborts) and a queued one (never starts)', async () => {
    useUploads.getState().add(['a', 'b', 'c', 'd'].map((n) => new File(['abc'], n)), 'fine-tune');
    await tick();
    const keyOf = (n: string) => useUploads.getState().items.find((i) => i.name === n)!.key;
    useUploads.getState().cancel(keyOf('d'));
    useUploads.getState().cancel(keyOf('a'));
    await tick();
    expect(pending[0]!.signal.aborted).toBe(true);
    expect(state('a')).toBe('cancelled');
    expect(state('d')).toBe('cancelled');
    expect(pending.map((p) => p.name)).toEqual(['a', 'b', 'c']); // d never started
  });

  it('keeps the server error, and shows progress as bytes sent', async () => {
    useUploads.getState().add([new File(['abc'], 'x')], 'fine-tune');
    await tick();
    pending[0]!.progress(3);
    expect(useUploads.getState().items[0]!.loaded).toBe(3);
    const err = new Error('The file is empty.');
    pending[0]!.reject(err);
    await tick();
    expect(state('x')).toBe('error');
    expect(useUploads.getState().items[0]!.error).toBe(err);
    useUploads.getState().clearFinished();
    expect(useUploads.getState().items).toEqual([]);
  });
});
