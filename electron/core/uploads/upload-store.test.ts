import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase, type Db } from '../db/database.js';
import { DataDir } from '../storage/data-dir.js';
import { FileStore } from '../files/file-store.js';
import { UploadStore, type StagedPart } from './upload-store.js';

/** The Uploads store on a real data dir and SQLite database, without HTTP in between. */
interface Stores {
  db: Db;
  dirs: DataDir;
  files: FileStore;
  uploads: UploadStore;
}
let root: string;
let s: Stores;
const open = (): Stores => {
  const dirs = new DataDir(root).ensure();
  const db = openDatabase(dirs.dbFile);
  const files = new FileStore(db, dirs);
  return { db, dirs, files, uploads: new UploadStore(db, dirs, files) };
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hone-upload-store-'));
  s = open();
});
afterEach(() => {
  s.db.close();
  rmSync(root, { recursive: true, force: true });
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const LIMIT = 64 * 1024 * 1024;

/** A body that arrives in uneven chunks, as from a socket. */
function body(data: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; ) {
    const n = Math.min(data.length - i, 1 + Math.floor(Math.random() * 200_000));
    chunks.push(data.subarray(i, i + n));
    i += n;
  }
  return Readable.from(chunks);
}

/** A body that sends `data` and then fails, like a client that disconnects mid-part. */
function brokenBody(data: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield data;
      throw new Error('client went away');
    })(),
  );
}

async function sendPart(uploads: UploadStore, id: string, data: Buffer) {
  const staged = await uploads.partSink(id).write(body(data), LIMIT);
  return uploads.addPart(id, staged);
}

function newUpload(bytes: number) {
  return s.uploads.create({ bytes, filename: 'big.bin', mime_type: 'application/octet-stream', purpose: 'user_data' });
}

const uploadDir = (id: string) => join(root, 'uploads', id);
const assembly = (id: string) => join(uploadDir(id), 'assembly');

async function expectFile(fileId: string, data: Buffer) {
  const f = s.files.require(fileId);
  expect(f.bytes).toBe(data.length);
  expect(f.checksum).toBe(md5(data));
  expect(f.sha256).toBe(sha256(data));
  expect(md5(readFileSync(s.files.contentPath(fileId)))).toBe(md5(data));
}

describe('UploadStore fast path (parts appended in order)', () => {
  it('appends sequential parts to one assembly file, which becomes the file as it is', async () => {
    // Sizes that are not multiples of the disk block: the O_DIRECT writer's unaligned edges.
    const chunks = [randomBytes(3_000_001), randomBytes(1_048_576 + 5), randomBytes(4097)];
    const whole = Buffer.concat(chunks);
    const up = newUpload(whole.length);
    const parts = [];
    for (const c of chunks) parts.push(await sendPart(s.uploads, up.id, c));
    // No per-part files: one assembly, exactly as long as the parts.
    expect(readdirSync(uploadDir(up.id))).toEqual(['assembly']);
    expect(statSync(assembly(up.id)).size).toBe(whole.length);
    const assemblyInode = statSync(assembly(up.id)).ino;

    const done = await s.uploads.complete(up.id, { part_ids: parts.map((p) => p.id), md5: md5(whole) });
    expect(done.status).toBe('completed');
    await expectFile(done.file!.id, whole);
    expect(statSync(s.files.contentPath(done.file!.id)).ino).toBe(assemblyInode); // renamed, not copied
    expect(existsSync(uploadDir(up.id))).toBe(false);
    expect(readdirSync(s.dirs.tmpDir)).toEqual([]);
  });

  it('cuts off a part that fails midway and rewinds the running hash', async () => {
    const a = randomBytes(700_000);
    const b = randomBytes(900_000);
    const up = newUpload(a.length + b.length);
    const pa = await sendPart(s.uploads, up.id, a);
    await expect(s.uploads.partSink(up.id).write(brokenBody(randomBytes(2_500_000)), LIMIT)).rejects.toThrow('client went away');
    expect(statSync(assembly(up.id)).size).toBe(a.length); // nothing of the failed part is left
    const pb = await sendPart(s.uploads, up.id, b);
    const done = await s.uploads.complete(up.id, { part_ids: [pa.id, pb.id] });
    await expectFile(done.file!.id, Buffer.concat([a, b]));
  });

  it('leaves nothing behind when the first part fails', async () => {
    const up = newUpload(10);
    await expect(s.uploads.partSink(up.id).write(brokenBody(randomBytes(100_000)), LIMIT)).rejects.toThrow();
    expect(existsSync(uploadDir(up.id))).toBe(false);
    expect(s.uploads.get(up.id).bytes_received).toBe(0);
  });

  it('undoes a stored part that is then refused (the upload was cancelled meanwhile)', async () => {
    const up = newUpload(10);
    const staged: StagedPart = await s.uploads.partSink(up.id).write(body(randomBytes(10)), LIMIT);
    await s.uploads.cancel(up.id);
    await expect(s.uploads.addPart(up.id, staged)).rejects.toMatchObject({ status: 400, code: 'upload_cancelled' });
    expect(existsSync(uploadDir(up.id))).toBe(false);
  });

  it('enforces the part size limit and keeps the assembly as it was', async () => {
    const a = randomBytes(1000);
    const up = newUpload(2000);
    await sendPart(s.uploads, up.id, a);
    await expect(s.uploads.partSink(up.id).write(body(randomBytes(5000)), 4096)).rejects.toThrow(/size limit/);
    expect(statSync(assembly(up.id)).size).toBe(1000);
  });

  it('keeps the upload pending on a wrong md5, and completes on a retry with the right one', async () => {
    const data = randomBytes(200_000);
    const up = newUpload(data.length);
    const p = await sendPart(s.uploads, up.id, data);
    await expect(s.uploads.complete(up.id, { part_ids: [p.id], md5: '0'.repeat(32) })).rejects.toMatchObject({ status: 400, code: 'checksum_mismatch' });
    expect(s.uploads.get(up.id).status).toBe('pending');
    const done = await s.uploads.complete(up.id, { part_ids: [p.id], md5: md5(data) });
    await expectFile(done.file!.id, data);
  });

  it('a failed complete changes nothing: a later complete can list other appended parts', async () => {
    // A client re-sent part 2 (c) after a bad first copy (b) of the same size.
    const [a, b, c] = [randomBytes(50_000), randomBytes(30_000), randomBytes(30_000)];
    const up = newUpload(a.length + c.length);
    const pa = await sendPart(s.uploads, up.id, a);
    const pb = await sendPart(s.uploads, up.id, b);
    const pc = await sendPart(s.uploads, up.id, c);
    const good = md5(Buffer.concat([a, c]));
    await expect(s.uploads.complete(up.id, { part_ids: [pa.id, pb.id], md5: good })).rejects.toMatchObject({ code: 'checksum_mismatch' });
    expect(statSync(assembly(up.id)).size).toBe(a.length + b.length + c.length);
    const done = await s.uploads.complete(up.id, { part_ids: [pa.id, pc.id], md5: good });
    await expectFile(done.file!.id, Buffer.concat([a, c]));
  });

  it('keeps empty appended parts valid when a later first-byte part fails', async () => {
    const data = randomBytes(1000);
    const up = newUpload(data.length);
    const empty = await sendPart(s.uploads, up.id, Buffer.alloc(0));
    await expect(s.uploads.partSink(up.id).write(brokenBody(randomBytes(10_000)), LIMIT)).rejects.toThrow();
    const p = await sendPart(s.uploads, up.id, data);
    const done = await s.uploads.complete(up.id, { part_ids: [empty.id, p.id] });
    await expectFile(done.file!.id, data);
  });

  it('drops appended parts that complete does not list', async () => {
    const [a, b, c] = [randomBytes(5000), randomBytes(6000), randomBytes(7000)];
    const up = newUpload(a.length + b.length);
    const pa = await sendPart(s.uploads, up.id, a);
    const pb = await sendPart(s.uploads, up.id, b);
    await sendPart(s.uploads, up.id, c);
    const done = await s.uploads.complete(up.id, { part_ids: [pa.id, pb.id] });
    await expectFile(done.file!.id, Buffer.concat([a, b]));
  });

  it('recomputes the checksums when the running hash was lost (restart), and goes on appending', async () => {
    const [a, b] = [randomBytes(1_500_000), randomBytes(1_000_000)];
    const up = newUpload(a.length + b.length);
    const pa = await sendPart(s.uploads, up.id, a);
    s.db.close();
    s = open(); // a new process: the in-memory hash state is gone
    const pb = await sendPart(s.uploads, up.id, b);
    expect(readdirSync(uploadDir(up.id))).toEqual(['assembly']);
    const done = await s.uploads.complete(up.id, { part_ids: [pa.id, pb.id], md5: md5(Buffer.concat([a, b])) });
    await expectFile(done.file!.id, Buffer.concat([a, b]));
  });
});

describe('UploadStore general path (parallel or reordered parts)', () => {
  it('stores a part that arrives while another streams in a file of its own', async () => {
    const [a, b] = [randomBytes(2_000_000), randomBytes(300_000)];
    const up = newUpload(a.length + b.length);
    const sinkA = s.uploads.partSink(up.id).write(body(a), LIMIT);
    const sinkB = s.uploads.partSink(up.id).write(body(b), LIMIT); // while A holds the assembly
    const [sa, sb] = await Promise.all([sinkA, sinkB]);
    const pb = await s.uploads.addPart(up.id, sb);
    const pa = await s.uploads.addPart(up.id, sa);
    expect(readdirSync(uploadDir(up.id)).sort()).toEqual(['assembly', pb.id].sort());
    const done = await s.uploads.complete(up.id, { part_ids: [pa.id, pb.id], md5: md5(Buffer.concat([a, b])) });
    await expectFile(done.file!.id, Buffer.concat([a, b]));
    expect(readdirSync(s.dirs.tmpDir)).toEqual([]);
  });

  it('assembles appended parts listed in another order by copying', async () => {
    const [a, b, c] = [randomBytes(100_000), randomBytes(200_000), randomBytes(1)];
    const up = newUpload(a.length + b.length + c.length);
    const pa = await sendPart(s.uploads, up.id, a);
    const pb = await sendPart(s.uploads, up.id, b);
    const pc = await sendPart(s.uploads, up.id, c);
    const done = await s.uploads.complete(up.id, { part_ids: [pc.id, pb.id, pa.id] });
    await expectFile(done.file!.id, Buffer.concat([c, b, a]));
    expect(existsSync(uploadDir(up.id))).toBe(false);
  });
});
