import { afterAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { hashStream, SizeLimitError, writeTempFile } from './atomic-file.js';
import { HashSession } from './hash-pool.js';
import { writeStream } from './stream-writer.js';

const dirs: string[] = [];
const scratch = (base = tmpdir()) => {
  const d = mkdtempSync(join(base, 'hone-writer-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Uneven chunks, as from a socket. */
const chunked = (data: Buffer, max = 100_000) => {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; ) {
    const n = Math.min(data.length - i, 1 + Math.floor(Math.random() * max));
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return Readable.from(out);
};

describe('writeTempFile', () => {
  // The data dir's disk (O_DIRECT for aligned batches) and tmpfs, where O_DIRECT is refused.
  const places = [tmpdir(), ...(existsSync('/dev/shm') ? ['/dev/shm'] : [])];
  for (const base of places) {
    it(`writes, hashes and counts exactly (${base})`, async () => {
      const dir = scratch(base);
      for (const size of [0, 1, 4096, 1024 * 1024, 3 * 1024 * 1024 + 123]) {
        const data = randomBytes(size);
        const w = await writeTempFile(chunked(data), dir);
        expect(w).toMatchObject({ bytes: size, md5: md5(data), sha256: sha256(data) });
        expect(readFileSync(w.tmpPath).equals(data)).toBe(true);
        rmSync(w.tmpPath);
      }
    });
  }

  it('fails past the limit and removes the temp file', async () => {
    const dir = scratch();
    await expect(writeTempFile(chunked(randomBytes(5 * 1024 * 1024)), dir, 2 * 1024 * 1024)).rejects.toBeInstanceOf(SizeLimitError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the temp file when the source fails', async () => {
    const dir = scratch();
    const src = Readable.from(
      (async function* () {
        yield randomBytes(3 * 1024 * 1024);
        throw new Error('gone');
      })(),
    );
    await expect(writeTempFile(src, dir)).rejects.toThrow('gone');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeStream', () => {
  it('writes at an unaligned offset of an existing file, keeping what is before it', async () => {
    const path = join(scratch(), 'f');
    const head = randomBytes(12_345);
    const tail = randomBytes(2 * 1024 * 1024 + 77);
    writeFileSync(path, head);
    const fh = await open(path, 'r+');
    const hash = new HashSession();
    try {
      expect(await writeStream(chunked(tail), { fh, path, position: head.length, hash })).toBe(tail.length);
      expect(await hash.digest()).toEqual({ md5: md5(tail), sha256: sha256(tail) });
    } finally {
      hash.close();
      await fh.close();
    }
    expect(readFileSync(path).equals(Buffer.concat([head, tail]))).toBe(true);
  });

  it('hash sessions are independent, resumable after a digest, and rewind to a checkpoint', async () => {
    const [a, b, junk] = [randomBytes(1_500_000), randomBytes(700_000), randomBytes(900_000)];
    const one = new HashSession();
    const two = new HashSession();
    try {
      await Promise.all([writeStream(chunked(a), { hash: one }), writeStream(chunked(b), { hash: two })]);
      expect((await one.digest()).md5).toBe(md5(a));
      one.checkpoint();
      await writeStream(chunked(junk), { hash: one });
      one.restore();
      await writeStream(chunked(b), { hash: one });
      expect(await one.digest()).toEqual({ md5: md5(Buffer.concat([a, b])), sha256: sha256(Buffer.concat([a, b])) });
      expect((await two.digest()).sha256).toBe(sha256(b));
    } finally {
      one.close();
      two.close();
    }
    expect(await hashStream([])).toEqual({ bytes: 0, md5: md5(Buffer.alloc(0)), sha256: sha256(Buffer.alloc(0)) });
  });
});
