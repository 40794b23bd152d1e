import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, rmdir, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../db/database.js';
import type { DataDir } from '../storage/data-dir.js';
import { commitFile, discardFile, fsyncPath, hashStream, writeTempFile, type WrittenFile } from '../storage/atomic-file.js';
import { HashSession, type Digests } from '../storage/hash-pool.js';
import { writeStream } from '../storage/stream-writer.js';
import type { FileSink } from '../server/multipart.js';
import { newId, nowSeconds } from '../ids.js';
import type { FileStore } from '../files/file-store.js';
import { sanitizeFilename } from '../files/filename.js';
import type { CompleteUploadBody, CreateUploadBody, Upload, UploadPart, UploadStatus } from '../../shared/schemas/uploads.js';
import { UPLOAD_TTL_S } from '../../shared/constants.js';
import { ApiError, badRequest, notFound } from '../server/errors.js';

interface UploadRow {
  id: string;
  bytes: number;
  created_at: number;
  expires_at: number;
  filename: string;
  purpose: string;
  mime_type: string;
  file_expires_after: number | null;
  status: UploadStatus;
  file_id: string | null;
}
interface PartRow {
  id: string;
  upload_id: string;
  created_at: number;
  bytes: number;
  /** The part's own file, or the assembly file when `assembly_offset` is set. */
  path: string;
  /** Where the part's bytes start in the assembly file; null for a part in its own file. */
  assembly_offset: number | null;
}

/** A part stored in its own (temp) file, not yet registered. */
interface StagedFile {
  tmpPath: string;
  bytes: number;
}

/** A part appended to the assembly file at `offset`, not yet registered. */
interface AppendedPart {
  bytes: number;
  offset: number;
  assembly: Assembly;
}

/** A part's bytes, durably stored and awaiting `addPart` (or the sink's `discard`). */
export type StagedPart = StagedFile | AppendedPart;

/**
 * In-memory state of an upload's assembly file (`uploads/<id>/assembly`). Losing it (restart)
 * costs only speed: the assembly's length is in the database and the hash can be recomputed.
 */
interface Assembly {
  uploadId: string;
  /** A part is being appended (or `complete` is finishing the file): other parts go to their own files. */
  busy: boolean;
  /** Running md5/sha256 of the assembly's first `hashed` bytes; null once lost. */
  hash: HashSession | null;
  hashed: number;
}

/**
 * The Uploads API: a large file arrives as parts (in any order, possibly in parallel);
 * `complete` concatenates them in the order the client names.
 *
 * Fast path (what the SDKs' chunked upload does: parts one after another, in order): a part that
 * arrives while no other part is streaming is appended straight to the upload's assembly file at
 * its end, and a running md5/sha256 of the assembly is kept. If `complete` then lists exactly the
 * appended parts in appended order, the assembly already *is* the file: it is fsynced and renamed
 * into place, so every byte is written once, as with `cp`. Otherwise (parts in parallel or out of
 * order) each extra part gets its own file and `complete` copies the pieces (assembly ranges and
 * part files) into a new file, as before.
 */
export class UploadStore {
  private readonly assemblies = new Map<string, Assembly>();

  constructor(
    private readonly db: Db,
    private readonly dirs: DataDir,
    private readonly files: FileStore,
  ) {}

  create(body: CreateUploadBody): Upload {
    const filename = sanitizeFilename(body.filename, 'filename');
    const created = nowSeconds();
    const row: UploadRow = {
      id: newId('upload_'),
      bytes: body.bytes,
      created_at: created,
      expires_at: created + UPLOAD_TTL_S,
      filename,
      purpose: body.purpose,
      mime_type: body.mime_type,
      file_expires_after: body.expires_after?.seconds ?? null,
      status: 'pending',
      file_id: null,
    };
    this.db
      .prepare(
        `INSERT INTO uploads (id, bytes, created_at, expires_at, filename, purpose, mime_type, file_expires_after, status, file_id)
         VALUES (@id, @bytes, @created_at, @expires_at, @filename, @purpose, @mime_type, @file_expires_after, @status, @file_id)`,
      )
      .run(row);
    return this.toApi(row);
  }

  get(id: string): Upload {
    return this.toApi(this.requireRow(id));
  }

  /** Where the route streams a part's data: see `stagePart` / `unstagePart`. */
  partSink(uploadId: string): FileSink<StagedPart> {
    return {
      write: (stream, limit) => this.stagePart(uploadId, stream, limit),
      discard: (staged) => this.unstagePart(staged),
    };
  }

  /** Registers a part whose bytes are already durable (from `partSink`, or a temp file). */
  async addPart(uploadId: string, staged: StagedPart): Promise<UploadPart> {
    // Checked again here: the upload may have been cancelled or completed while the part streamed in.
    const row = this.requireRow(uploadId);
    if (row.status !== 'pending') {
      await this.unstagePart(staged);
      this.requirePending(row, 'add a part to');
    }
    const part: PartRow = {
      id: newId('part_'),
      upload_id: uploadId,
      created_at: nowSeconds(),
      bytes: staged.bytes,
      path: '',
      assembly_offset: null,
    };
    if ('assembly' in staged) {
      part.path = this.assemblyPath(uploadId);
      part.assembly_offset = staged.offset;
    } else {
      const dir = this.partsDir(uploadId);
      part.path = join(dir, part.id);
      const place = async () => {
        // A new folder's own entry must be durable too, or a crash could lose it with the part.
        if (await mkdir(dir, { recursive: true })) await fsyncPath(this.dirs.uploadsDir);
        await commitFile(staged.tmpPath, part.path);
      };
      await place().catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        await place(); // the folder went in between (a failed first append removes it when empty)
      });
    }
    this.db
      .prepare(
        `INSERT INTO upload_parts (id, upload_id, created_at, bytes, path, assembly_offset)
         VALUES (@id, @upload_id, @created_at, @bytes, @path, @assembly_offset)`,
      )
      .run(part);
    // The row is the commit point: from here the appended bytes belong to the assembly.
    if ('assembly' in staged) staged.assembly.busy = false;
    return { id: part.id, object: 'upload.part', created_at: part.created_at, upload_id: uploadId, bytes: part.bytes };
  }

  /**
   * Stores a part's data durably (fdatasync) without registering it. While no other part is
   * streaming, it is appended to the assembly file (the fast path); otherwise it goes to a temp
   * file of its own. On failure nothing of it is left: the assembly is cut back to where it was
   * and its running hash rewound.
   */
  private async stagePart(uploadId: string, stream: Readable, limit: number): Promise<StagedPart> {
    this.requirePending(this.requireRow(uploadId), 'add a part to');
    const asm = this.assembly(uploadId);
    if (asm.busy) {
      // Hashed later, as part of the whole, so not hashed now.
      const f = await writeTempFile(stream, this.dirs.tmpDir, limit, { hash: false });
      return { tmpPath: f.tmpPath, bytes: f.bytes };
    }
    asm.busy = true; // until addPart registers the part, or it is discarded
    const offset = this.assembledBytes(uploadId);
    let fh: FileHandle | undefined;
    try {
      fh = await this.openAssembly(uploadId);
      // Bytes past the registered parts belong to a part that never registered (e.g. a crash).
      await fh.truncate(offset);
      if (asm.hash && asm.hashed !== offset) {
        asm.hash.close();
        asm.hash = null;
      }
      if (!asm.hash && offset === 0) {
        asm.hash = new HashSession();
        asm.hashed = 0;
      }
      asm.hash?.checkpoint();
      const bytes = await writeStream(stream, {
        fh,
        path: this.assemblyPath(uploadId),
        position: offset,
        limit,
        hash: asm.hash,
        awaitHash: false, // the part is acknowledged once durable; the hash catches up meanwhile
      });
      asm.hashed = offset + bytes;
      return { bytes, offset, assembly: asm };
    } catch (err) {
      await fh?.close();
      fh = undefined;
      await this.cutAssembly(uploadId, offset).catch(() => undefined);
      asm.hash?.restore();
      asm.hashed = offset;
      asm.busy = false;
      throw err;
    } finally {
      await fh?.close();
    }
  }

  /** Undoes `stagePart` for a part that will not be registered. */
  private async unstagePart(staged: StagedPart): Promise<void> {
    if (!('assembly' in staged)) return discardFile(staged.tmpPath);
    const asm = staged.assembly;
    try {
      await this.cutAssembly(asm.uploadId, staged.offset);
    } finally {
      asm.hash?.restore();
      asm.hashed = staged.offset;
      asm.busy = false;
    }
  }

  /**
   * Cuts the assembly back to `length`. At 0 it goes altogether, with the upload's folder if
   * that is now empty, so a failed first part leaves nothing behind.
   */
  private async cutAssembly(uploadId: string, length: number): Promise<void> {
    const path = this.assemblyPath(uploadId);
    try {
      if (length > 0) {
        const fh = await open(path, 'r+');
        try {
          await fh.truncate(length);
        } finally {
          await fh.close();
        }
        return;
      }
      const registered = this.db
        .prepare('SELECT 1 FROM upload_parts WHERE upload_id = ? AND assembly_offset IS NOT NULL LIMIT 1')
        .get(uploadId);
      if (registered) return void (await truncate(path, 0)); // empty parts live there
      await rm(path, { force: true });
      await rmdir(this.partsDir(uploadId)); // only if empty: other parts may be stored there
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err; // ENOENT: gone with the upload
    }
  }

  /** Throws the OpenAI-style 404/400 unless the upload exists and still takes parts. */
  assertAcceptsParts(uploadId: string): void {
    this.requirePending(this.requireRow(uploadId), 'add a part to');
  }

  async complete(uploadId: string, body: CompleteUploadBody): Promise<Upload> {
    const row = this.requireRow(uploadId);
    this.requirePending(row, 'complete');
    const parts = this.orderedParts(uploadId, body.part_ids);
    const total = parts.reduce((n, p) => n + p.bytes, 0);
    if (total !== row.bytes) {
      throw badRequest(
        `The parts add up to ${total} bytes, but the upload was created for ${row.bytes} bytes.`,
        'part_ids',
        'bytes_mismatch',
      );
    }
    const asm = this.assemblies.get(uploadId);
    if (isWholeAssembly(parts) && !asm?.busy) return this.completeInPlace(row, total, body.md5);
    return this.completeByCopy(row, parts, body.md5);
  }

  /** Fast path: the listed parts are the assembly file, in order; it becomes the file as it is. */
  private async completeInPlace(row: UploadRow, total: number, md5?: string): Promise<Upload> {
    const asm = this.assembly(row.id);
    asm.busy = true; // no part may append while the file is finished
    try {
      const path = this.assemblyPath(row.id);
      // Checksums of exactly the listed bytes, checked before anything changes: a complete that
      // fails (wrong md5, lost race) leaves the upload and all its parts as they were.
      const digests = await this.assemblyDigests(asm, path, total);
      this.checkMd5(md5, digests.md5);
      this.claim(row.id);
      const fh = await open(path, 'r+');
      try {
        await fh.truncate(total); // drop parts appended but not listed
        await fh.datasync();
      } finally {
        await fh.close();
      }
      const file = await this.files.add({ tmpPath: path, bytes: total, ...digests }, this.fileMeta(row));
      return await this.finish(row.id, file.id);
    } finally {
      asm.busy = false;
    }
  }

  /** General case: copy the listed pieces (assembly ranges, part files) into a new file. */
  private async completeByCopy(row: UploadRow, parts: PartRow[], md5?: string): Promise<Upload> {
    let written: WrittenFile;
    try {
      written = await writeTempFile(async function* () {
        for (const p of parts) {
          if (p.bytes === 0) continue;
          const range = p.assembly_offset === null ? {} : { start: p.assembly_offset, end: p.assembly_offset + p.bytes - 1 };
          yield* createReadStream(p.path, { ...range, highWaterMark: 1024 * 1024 });
        }
      }, this.dirs.tmpDir);
    } catch (err) {
      // A concurrent complete (or cancel) may have taken the pieces away meanwhile: say so.
      this.requirePending(this.requireRow(row.id), 'complete');
      throw err;
    }
    if (written.bytes !== row.bytes) {
      await discardFile(written.tmpPath);
      throw new Error(`upload ${row.id}: read ${written.bytes} bytes of parts that add up to ${row.bytes}`);
    }
    try {
      this.checkMd5(md5, written.md5);
      this.claim(row.id);
    } catch (err) {
      await discardFile(written.tmpPath);
      throw err;
    }
    const file = await this.files.add(written, this.fileMeta(row));
    return this.finish(row.id, file.id);
  }

  /** The running hash when it covers exactly the file, else the file read back and hashed. */
  private async assemblyDigests(asm: Assembly, path: string, total: number): Promise<Digests> {
    if (asm.hash && asm.hashed === total) {
      try {
        return await asm.hash.digest();
      } catch {
        // state lost (a hashing worker died): fall through and read the file
      }
    }
    if (total === 0) return hashStream([]);
    const read = await hashStream(createReadStream(path, { start: 0, end: total - 1, highWaterMark: 1024 * 1024 }));
    if (read.bytes !== total) throw new Error(`assembly ${path} holds ${read.bytes} bytes, its parts ${total}`);
    return read;
  }

  private checkMd5(expected: string | undefined, actual: string): void {
    if (expected && expected.toLowerCase() !== actual) {
      throw badRequest(`The md5 of the assembled file is ${actual}, not ${expected.toLowerCase()}.`, 'md5', 'checksum_mismatch');
    }
  }

  /** Marks the upload completed before the (async) move, so a concurrent complete/cancel loses cleanly. */
  private claim(uploadId: string): void {
    const claimed = this.db.prepare(`UPDATE uploads SET status = 'completed' WHERE id = ? AND status = 'pending'`).run(uploadId);
    if (claimed.changes === 0) this.requirePending(this.requireRow(uploadId), 'complete');
  }

  private fileMeta(row: UploadRow) {
    return { filename: row.filename, purpose: row.purpose, expiresAfterS: row.file_expires_after };
  }

  private async finish(uploadId: string, fileId: string): Promise<Upload> {
    this.db.prepare('UPDATE uploads SET file_id = ? WHERE id = ?').run(fileId, uploadId);
    await this.dropParts(uploadId);
    return this.get(uploadId);
  }

  async cancel(uploadId: string): Promise<Upload> {
    const row = this.requireRow(uploadId);
    this.requirePending(row, 'cancel');
    this.db.prepare(`UPDATE uploads SET status = 'cancelled' WHERE id = ?`).run(uploadId);
    await this.dropParts(uploadId);
    return this.get(uploadId);
  }

  /**
   * Marks pending uploads past their hour as expired and deletes their parts; also removes part
   * folders left behind by an upload that is no longer pending (a part that raced a cancel).
   */
  async sweepExpired(): Promise<number> {
    const ids = this.db
      .prepare(`SELECT id FROM uploads WHERE status = 'pending' AND expires_at <= ?`)
      .all(nowSeconds()) as { id: string }[];
    for (const { id } of ids) {
      this.db.prepare(`UPDATE uploads SET status = 'expired' WHERE id = ?`).run(id);
      await this.dropParts(id);
    }
    const pending = this.db.prepare(`SELECT 1 FROM uploads WHERE id = ? AND status = 'pending'`);
    for (const name of await readdir(this.dirs.uploadsDir)) {
      if (!pending.get(name) && !this.assemblies.get(name)?.busy) await rm(this.partsDir(name), { recursive: true, force: true });
    }
    return ids.length;
  }

  private orderedParts(uploadId: string, partIds: string[]): PartRow[] {
    const seen = new Set<string>();
    const get = this.db.prepare('SELECT * FROM upload_parts WHERE id = ? AND upload_id = ?');
    return partIds.map((pid, i) => {
      if (seen.has(pid)) throw badRequest(`Part ${pid} is listed twice.`, `part_ids[${i}]`, 'duplicate_part');
      seen.add(pid);
      const part = get.get(pid, uploadId) as PartRow | undefined;
      if (!part) throw badRequest(`No such part in upload ${uploadId}: ${pid}`, `part_ids[${i}]`, 'unknown_part');
      return part;
    });
  }

  private async dropParts(uploadId: string): Promise<void> {
    this.db.prepare('DELETE FROM upload_parts WHERE upload_id = ?').run(uploadId);
    const asm = this.assemblies.get(uploadId);
    this.assemblies.delete(uploadId);
    asm?.hash?.close();
    if (asm) asm.hash = null;
    await rm(this.partsDir(uploadId), { recursive: true, force: true });
  }

  private partsDir(uploadId: string): string {
    return join(this.dirs.uploadsDir, uploadId);
  }

  private assemblyPath(uploadId: string): string {
    return join(this.partsDir(uploadId), 'assembly');
  }

  private assembly(uploadId: string): Assembly {
    let asm = this.assemblies.get(uploadId);
    if (!asm) this.assemblies.set(uploadId, (asm = { uploadId, busy: false, hash: null, hashed: 0 }));
    return asm;
  }

  /** Length of the assembly that registered parts account for. */
  private assembledBytes(uploadId: string): number {
    return (
      this.db
        .prepare('SELECT COALESCE(MAX(assembly_offset + bytes), 0) AS n FROM upload_parts WHERE upload_id = ? AND assembly_offset IS NOT NULL')
        .get(uploadId) as { n: number }
    ).n;
  }

  /** Opens (creating, durably, on first use) the assembly file for positioned writes. */
  private async openAssembly(uploadId: string): Promise<FileHandle> {
    const path = this.assemblyPath(uploadId);
    try {
      return await open(path, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await mkdir(this.partsDir(uploadId), { recursive: true });
    const fh = await open(path, 'wx');
    await fsyncPath(this.partsDir(uploadId));
    await fsyncPath(this.dirs.uploadsDir);
    return fh;
  }

  private requireRow(id: string): UploadRow {
    const row = this.db.prepare('SELECT * FROM uploads WHERE id = ?').get(id) as UploadRow | undefined;
    if (!row) throw notFound('Upload', id, 'upload_id');
    if (row.status === 'pending' && row.expires_at <= nowSeconds()) row.status = 'expired';
    return row;
  }

  private requirePending(row: UploadRow, action: string): void {
    if (row.status !== 'pending') {
      throw new ApiError(400, `Cannot ${action} upload ${row.id}: its status is '${row.status}'.`, 'upload_id', `upload_${row.status}`);
    }
  }

  private toApi(row: UploadRow): Upload {
    const received = this.db
      .prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM upload_parts WHERE upload_id = ?')
      .get(row.id) as { n: number };
    return {
      id: row.id,
      object: 'upload',
      bytes: row.bytes,
      created_at: row.created_at,
      expires_at: row.expires_at,
      filename: row.filename,
      purpose: row.purpose,
      status: row.status,
      file: row.file_id ? this.files.get(row.file_id) : null,
      bytes_received: row.status === 'completed' ? row.bytes : received.n,
    };
  }
}

/** True when `parts` are all in the assembly file, back to back from its start, in this order. */
function isWholeAssembly(parts: PartRow[]): boolean {
  let end = 0;
  for (const p of parts) {
    if (p.assembly_offset !== end) return false;
    end += p.bytes;
  }
  return parts.length > 0;
}
