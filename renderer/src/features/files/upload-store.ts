/**
 * The upload queue (zustand, outside React): it lives as long as the tab, so leaving the Files
 * view and coming back shows the same progress. Up to 3 files upload at once; the rest wait.
 *
 * Closing the tab mid-upload leaves no visible partial file: a Files API upload is only listed
 * once the whole body is on disk, and an Uploads API upload is not a file until `complete` (a
 * pending one expires after an hour). On `pagehide` we still cancel the pending uploads we know
 * of, with keepalive requests, so the server frees their parts at once.
 */
import { create } from 'zustand';
import type { OpenAIFile } from '@shared/schemas/files.js';
import { SpeedMeter, usesParts } from './upload-plan';
import { isAbort } from './retry';
import { cancelUpload, uploadFile } from './uploader';

export const FILE_CONCURRENCY = 3;

export type UploadState = 'queued' | 'uploading' | 'done' | 'error' | 'cancelled';

export interface UploadItem {
  key: number;
  name: string;
  bytes: number;
  purpose: string;
  viaParts: boolean;
  state: UploadState;
  loaded: number;
  rate: number | null;
  eta: number | null;
  note: string | null;
  error: unknown;
  file: OpenAIFile | null;
}

interface Running {
  file: File;
  abort: AbortController;
  uploadId: string | null;
  meter: SpeedMeter;
  lastPaint: number;
}

interface UploadsStore {
  items: UploadItem[];
  /** Bumped on each finished upload, so the list knows to refetch. */
  finished: number;
  add(files: Iterable<File>, purpose: string): void;
  cancel(key: number): void;
  dismiss(key: number): void;
  clearFinished(): void;
}

let nextKey = 1;
const running = new Map<number, Running>();

export const useUploads = create<UploadsStore>((set, get) => {
  const patch = (key: number, p: Partial<UploadItem>) => set({ items: get().items.map((i) => (i.key === key ? { ...i, ...p } : i)) });

  const pump = () => {
    const active = get().items.filter((i) => i.state === 'uploading').length;
    const waiting = get().items.filter((i) => i.state === 'queued' && running.has(i.key)).slice(0, Math.max(0, FILE_CONCURRENCY - active));
    for (const item of waiting) void start(item);
  };

  const start = async (item: UploadItem) => {
    const r = running.get(item.key)!;
    patch(item.key, { state: 'uploading' });
    r.meter.add(performance.now(), 0);
    try {
      const file = await uploadFile(r.file, item.purpose, {
        signal: r.abort.signal,
        onUploadId: (id) => (r.uploadId = id),
        onRetry: (note) => patch(item.key, { note }),
        onProgress: (loaded) => {
          const now = performance.now();
          r.meter.add(now, loaded);
          if (now - r.lastPaint < 100 && loaded < item.bytes) return; // ~10 repaints/s are enough
          r.lastPaint = now;
          patch(item.key, { loaded, rate: r.meter.rate(), eta: r.meter.eta(item.bytes) });
        },
      });
      patch(item.key, { state: 'done', loaded: item.bytes, file, eta: 0, note: null });
      set({ finished: get().finished + 1 });
    } catch (e) {
      if (isAbort(e) || r.abort.signal.aborted) patch(item.key, { state: 'cancelled', note: null });
      else patch(item.key, { state: 'error', error: e, note: null });
    } finally {
      running.delete(item.key);
      pump();
    }
  };

  return {
    items: [],
    finished: 0,
    add: (files, purpose) => {
      const added: UploadItem[] = [];
      for (const f of files) {
        const key = nextKey++;
        running.set(key, { file: f, abort: new AbortController(), uploadId: null, meter: new SpeedMeter(), lastPaint: 0 });
        added.push({ key, name: f.name, bytes: f.size, purpose, viaParts: usesParts(f.size), state: 'queued', loaded: 0, rate: null, eta: null, note: null, error: null, file: null });
      }
      set({ items: [...added, ...get().items] });
      pump();
    },
    cancel: (key) => {
      const r = running.get(key);
      if (!r) return;
      const item = get().items.find((i) => i.key === key);
      r.abort.abort(); // the uploader cancels its pending upload on the server
      if (item?.state === 'queued') {
        running.delete(key);
        patch(key, { state: 'cancelled' });
      }
    },
    dismiss: (key) => set({ items: get().items.filter((i) => i.key !== key || i.state === 'uploading' || i.state === 'queued') }),
    clearFinished: () => set({ items: get().items.filter((i) => i.state === 'uploading' || i.state === 'queued') }),
  };
});

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    for (const r of running.values()) if (r.uploadId) void cancelUpload(r.uploadId);
  });
}
