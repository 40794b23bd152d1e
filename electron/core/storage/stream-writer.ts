import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HashSession } from './hash-pool.js';

/** Thrown when a stream exceeds the size it was allowed. */
export class SizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`exceeds the size limit of ${limit} bytes`);
  }
}

/**
 * Incoming chunks (~64 KB from the socket) are gathered into 1 MiB batches: one write syscall and
 * one message to each hashing worker per MiB instead of per chunk.
 */
const BATCH_BYTES = 1024 * 1024;
/** Batches one stream may have in flight (being written and hashed): bounds memory per upload. */
const MAX_IN_FLIGHT = 8;
/** O_DIRECT needs buffer address, length and file offset aligned to the logical block size. */
const ALIGN = 4096;
/**
 * For bytes written through the page cache: start an fdatasync after this many, so the disk works
 * while the rest arrives and the final flush is short.
 */
const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * Batches are the memory of a shared WebAssembly.Memory: a SharedArrayBuffer (the hashing workers
 * read it in place) that is page-aligned, as O_DIRECT requires (plain ArrayBuffers come from
 * malloc, with no alignment guarantee). Idle batches are reused.
 */
const idle: SharedArrayBuffer[] = [];
const MAX_IDLE = 32;
function takeBatch(): SharedArrayBuffer {
  const reused = idle.pop();
  if (reused) return reused;
  const pages = BATCH_BYTES / 65536;
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer as unknown as SharedArrayBuffer;
  } catch {
    return new SharedArrayBuffer(BATCH_BYTES); // e.g. no address space for wasm: O_DIRECT then falls back
  }
}
function giveBatch(b: SharedArrayBuffer): void {
  if (idle.length < MAX_IDLE) idle.push(b);
}

export interface StreamWriteOptions {
  /** Where to write; omit to only hash. Written with positioned writes from `position` on. */
  fh?: FileHandle;
  /** The path of `fh`'s file: aligned batches then go through a second, O_DIRECT handle. */
  path?: string;
  position?: number;
  /** The stream fails with SizeLimitError once it exceeds this many bytes. */
  limit?: number;
  /** Fed every byte, in order. */
  hash?: HashSession | null;
  /**
   * false: resolve once the bytes are durable, while the hashers may still be finishing the last
   * batches (their messages stay ordered, so a later digest or checkpoint sees them). For a part
   * of an upload, whose running hash is only needed at `complete`.
   */
  awaitHash?: boolean;
}

/**
 * Copies `src` into `fh` at `position` (and/or into `hash`), and fdatasyncs the file before it
 * resolves, so the bytes are durable. Writing and hashing overlap with receiving; memory stays
 * bounded whatever the size. On failure it waits for its own writes to settle before rethrowing,
 * so the caller can safely truncate or remove what was written.
 *
 * Whole, aligned batches are written with O_DIRECT when `path` is given: straight from our buffer
 * to the device, skipping the copy into the page cache, which on this kind of (virtualised) disk
 * costs more CPU than md5 (measured with perf: ~1/3 of the server's CPU samples), and leaving no
 * dirty pages to flush at the end. The rest (an unaligned head or tail) goes through the page
 * cache. Where O_DIRECT is not supported (tmpfs, some network filesystems), everything does.
 */
export async function writeStream(
  src: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>,
  opts: StreamWriteOptions,
): Promise<number> {
  const { fh, hash } = opts;
  const limit = opts.limit ?? Number.MAX_SAFE_INTEGER;
  let position = opts.position ?? 0;
  let total = 0;
  let failure = null as unknown; // `as`: set in callbacks, so TS must not narrow it to null here
  const inFlight = new Set<Promise<void>>();
  let unflushed = 0;
  let flushing = null as Promise<void> | null; // (likewise)
  // One write at a time: writes to one file serialise on its inode lock in the kernel anyway
  // (concurrent ones only add system time), and a sequential writer keeps up with the disk.
  let writing: Promise<void> = Promise.resolve();
  let direct = fh && opts.path ? await openDirect(opts.path) : null;

  let batch: SharedArrayBuffer | null = null;
  let view: Buffer | null = null;
  let fill = 0;
  // The first batch is cut short where needed so that all later ones start on an aligned offset.
  let capacity = BATCH_BYTES - (position % ALIGN);

  const flush = () => {
    if (!fh || flushing) return;
    unflushed = 0;
    flushing = fh.datasync().then(
      () => void (flushing = null),
      (err: unknown) => {
        failure ??= err;
        flushing = null;
      },
    );
  };

  const write = async (buf: Buffer, at: number) => {
    if (direct && at % ALIGN === 0 && buf.length % ALIGN === 0) {
      try {
        return await writeFully(direct, buf, at);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
        await direct.close().catch(() => undefined); // alignment refused after all: page cache from now on
        direct = null;
      }
    }
    await writeFully(fh!, buf, at);
    unflushed += buf.length;
    if (unflushed >= FLUSH_EVERY_BYTES) flush();
  };

  /** Hands the current batch to the disk and the hashers. */
  const dispatch = () => {
    const buf = batch!;
    const len = fill;
    const at = position;
    position += len;
    batch = view = null;
    fill = 0;
    capacity = BATCH_BYTES;
    const jobs: Promise<unknown>[] = [];
    if (fh) jobs.push((writing = writing.then(() => write(Buffer.from(buf, 0, len), at))));
    if (hash) jobs.push(hash.update(buf, len));
    const job: Promise<void> = Promise.allSettled(jobs).then((results) => {
      inFlight.delete(job);
      giveBatch(buf); // both the write and the hashers are done with it
      for (const r of results) if (r.status === 'rejected') failure ??= r.reason;
    });
    inFlight.add(job);
  };

  const settle = async () => {
    while (inFlight.size > 0) await Promise.race(inFlight);
    while (flushing) await flushing;
  };

  // A Writable sink rather than `for await`: no promise per chunk, and stream backpressure as usual.
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > limit) return done(new SizeLimitError(limit));
      let off = 0;
      const copy = (): void => {
        while (off < chunk.length) {
          if (failure) return done(failure as Error);
          if (!batch) {
            // Backpressure: the source is not read while this stream's batches are all busy.
            if (inFlight.size >= MAX_IN_FLIGHT) return void Promise.race(inFlight).then(copy);
            batch = takeBatch();
            view = Buffer.from(batch);
          }
          const n = Math.min(chunk.length - off, capacity - fill);
          view!.set(chunk.subarray(off, off + n), fill);
          fill += n;
          off += n;
          if (fill === capacity) dispatch();
        }
        done();
      };
      copy();
    },
  });

  try {
    try {
      await pipeline(src, sink);
      if (fill > 0) dispatch();
      if (opts.awaitHash === false && fh) {
        // Writes are serialised: the chain's end is the last write. A write error also lands in
        // `failure`; a hashing error later only makes the session report itself lost.
        await writing.catch((err: unknown) => void (failure ??= err));
        while (flushing) await flushing;
      } else {
        await settle();
      }
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows whatever the stream or fs threw
      if (failure) throw failure;
      // fdatasync also persists the size, all that reading the bytes back needs, and flushes the
      // device cache for the O_DIRECT writes; the directory entry is made durable by whoever
      // names the file (see commitFile).
      if (fh) await fh.datasync();
    } catch (err) {
      if (batch) giveBatch(batch); // filled but never dispatched
      await settle();
      throw err;
    }
  } finally {
    await direct?.close().catch(() => undefined);
  }
  return total;
}

/** A second, O_DIRECT handle on an existing file, or null where the filesystem refuses one. */
async function openDirect(path: string): Promise<FileHandle | null> {
  if (!constants.O_DIRECT) return null; // not Linux
  try {
    return await open(path, constants.O_WRONLY | constants.O_DIRECT);
  } catch {
    return null;
  }
}

async function writeFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}
