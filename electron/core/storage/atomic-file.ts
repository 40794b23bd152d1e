import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { HashSession, type Digests } from './hash-pool.js';
import { SizeLimitError, writeStream } from './stream-writer.js';

export { SizeLimitError };

export interface WrittenFile {
  /** Temp path; call `commitFile` to move it into place, `discardFile` to drop it. */
  tmpPath: string;
  bytes: number;
  md5: string;
  sha256: string;
}

type Source = Readable | AsyncIterable<Buffer | Uint8Array> | (() => AsyncIterable<Buffer | Uint8Array>);

/**
 * Streams `sources` (concatenated, in order) into a new temp file in `tmpDir`, hashing as it
 * goes (off the main thread); memory stays constant whatever the size. The temp file is durable
 * (fdatasync) before this resolves and is removed if anything fails (client gone, limit exceeded,
 * disk full).
 */
export async function writeTempFile(
  sources: Source,
  tmpDir: string,
  limit = Number.MAX_SAFE_INTEGER,
  opts: { hash?: boolean } = {},
): Promise<WrittenFile> {
  const tmpPath = join(tmpDir, `.tmp-${randomUUID()}`);
  // Without hashing (for pieces that are hashed later, as part of a whole) md5/sha256 are ''.
  const hash = opts.hash === false ? null : new HashSession();
  const fh = await open(tmpPath, 'wx');
  try {
    const src = typeof sources === 'function' ? sources() : sources;
    const bytes = await writeStream(src, { fh, path: tmpPath, limit, hash });
    const digests = hash ? await hash.digest() : { md5: '', sha256: '' };
    return { tmpPath, bytes, ...digests };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmpPath, { force: true });
    throw err;
  } finally {
    hash?.close();
    await fh.close().catch(() => undefined); // no-op when already closed
  }
}

/** md5 + sha256 of a byte stream (e.g. a file read back), hashed off the main thread. */
export async function hashStream(src: AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>): Promise<Digests & { bytes: number }> {
  const hash = new HashSession();
  try {
    const bytes = await writeStream(src, { hash });
    return { bytes, ...(await hash.digest()) };
  } finally {
    hash.close();
  }
}

/** Moves a finished temp file into place and makes the rename durable. */
export async function commitFile(tmpPath: string, finalPath: string): Promise<void> {
  await rename(tmpPath, finalPath);
  await fsyncPath(dirname(finalPath));
}

export async function discardFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/** fsync of a file or directory by path (a directory's fsync makes its entries durable). */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
