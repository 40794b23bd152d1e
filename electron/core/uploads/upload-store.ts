import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/database.js';
import type { DataDir } from '../storage/data-dir.js';
import { commitFile, discardFile, writeTempFile, type WrittenFile } from '../storage/atomic-file.js';
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
  path: string;
}

/**
 * The Uploads API: a large file arrives as parts (in any order, possibly in parallel), each
 * stored durably on its own; `complete` concatenates them in the order the client names.
 */
export class UploadStore {
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

  /** Registers one part that was already streamed to a temp file (≤ 64 MB). Parts are
   * independent, so parallel calls are fine. */
  async addPart(uploadId: string, written: WrittenFile): Promise<UploadPart> {
    // Checked again here: the upload may have been cancelled or completed while the part streamed in.
    const row = this.requireRow(uploadId);
    if (row.status !== 'pending') {
      await discardFile(written.tmpPath);
      this.requirePending(row, 'add a part to');
    }
    const dir = this.partsDir(uploadId);
    await mkdir(dir, { recursive: true });
    const part: PartRow = {
      id: newId('part_'),
      upload_id: uploadId,
      created_at: nowSeconds(),
      bytes: written.bytes,
      path: '',
    };
    part.path = join(dir, part.id);
    await commitFile(written.tmpPath, part.path);
    this.db
      .prepare('INSERT INTO upload_parts (id, upload_id, created_at, bytes, path) VALUES (@id, @upload_id, @created_at, @bytes, @path)')
      .run(part);
    return { id: part.id, object: 'upload.part', created_at: part.created_at, upload_id: uploadId, bytes: part.bytes };
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
    const written = await writeTempFile(
      async function* () {
        for (const p of parts) yield* createReadStream(p.path, { highWaterMark: 1024 * 1024 });
      },
      this.dirs.tmpDir,
    );
    if (body.md5 && body.md5.toLowerCase() !== written.md5) {
      await discardFile(written.tmpPath);
      throw badRequest(
        `The md5 of the assembled file is ${written.md5}, not ${body.md5.toLowerCase()}.`,
        'md5',
        'checksum_mismatch',
      );
    }
    // Claim the upload before the (async) move, so a concurrent complete/cancel loses cleanly.
    const claimed = this.db
      .prepare(`UPDATE uploads SET status = 'completed' WHERE id = ? AND status = 'pending'`)
      .run(uploadId);
    if (claimed.changes === 0) {
      await discardFile(written.tmpPath);
      this.requirePending(this.requireRow(uploadId), 'complete');
    }
    const file = await this.files.add(written, {
      filename: row.filename,
      purpose: row.purpose,
      expiresAfterS: row.file_expires_after,
    });
    this.db.prepare('UPDATE uploads SET file_id = ? WHERE id = ?').run(file.id, uploadId);
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

  /** Marks pending uploads past their hour as expired and deletes their parts. */
  async sweepExpired(): Promise<number> {
    const ids = this.db
      .prepare(`SELECT id FROM uploads WHERE status = 'pending' AND expires_at <= ?`)
      .all(nowSeconds()) as { id: string }[];
    for (const { id } of ids) {
      this.db.prepare(`UPDATE uploads SET status = 'expired' WHERE id = ?`).run(id);
      await this.dropParts(id);
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
    await rm(this.partsDir(uploadId), { recursive: true, force: true });
  }

  private partsDir(uploadId: string): string {
    return join(this.dirs.uploadsDir, uploadId);
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
