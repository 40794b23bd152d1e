import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface WrittenFile {
  /** Temp path; call `commitFile` to move it into place, `discardFile` to drop it. */
  tmpPath: string;
  bytes: number;
  md5: string;
  sha256: string;
}

/** Thrown when a stream exceeds the size it was allowed. */
export class SizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`exceeds the size limit of ${limit} bytes`);
  }
}

/** Counts and hashes bytes as they pass, and fails the stream once `limit` is exceeded. */
class HashingCounter extends Transform {
  bytes = 0;
  readonly md5 = createHash('md5');
  readonly sha256 = createHash('sha256');
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return cb(new SizeLimitError(this.limit));
    this.md5.update(chunk);
    this.sha256.update(chunk);
    cb(null, chunk);
  }
}

/**
 * Streams `sources` (concatenated, in order) into a new temp file in `tmpDir`, hashing as it
 * goes; memory stays constant whatever the size. The temp file is fsynced before this resolves and
 * is removed if anything fails (client gone, limit exceeded, disk full).
 */
export async function writeTempFile(
  sources: Readable | (() => AsyncIterable<Buffer | Uint8Array>),
  tmpDir: string,
  limit = Number.MAX_SAFE_INTEGER,
): Promise<WrittenFile> {
  const tmpPath = join(tmpDir, `.tmp-${randomUUID()}`);
  const counter = new HashingCounter(limit);
  const out = createWriteStream(tmpPath, { flags: 'wx', highWaterMark: 1024 * 1024 });
  try {
    const src = typeof sources === 'function' ? sources() : sources;
    await pipeline(src, counter, out);
    await fsyncPath(tmpPath);
  } catch (err) {
    out.destroy();
    await rm(tmpPath, { force: true });
    throw err;
  }
  return {
    tmpPath,
    bytes: counter.bytes,
    md5: counter.md5.digest('hex'),
    sha256: counter.sha256.digest('hex'),
  };
}

/** Moves a finished temp file into place and makes the rename durable. */
export async function commitFile(tmpPath: string, finalPath: string): Promise<void> {
  await rename(tmpPath, finalPath);
  await fsyncPath(dirname(finalPath));
}

export async function discardFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
