import { createReadStream, type ReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/database.js';
import type { DataDir } from '../storage/data-dir.js';
import { commitFile, type WrittenFile } from '../storage/atomic-file.js';
import { nowSeconds } from '../ids.js';
import type { FileListQuery, FileStatus, OpenAIFile } from '../../shared/schemas/files.js';
import { badRequest, notFound } from '../server/errors.js';

interface FileRow {
  seq: number;
  id: string;
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: string;
  status_details: string | null;
  md5: string;
  sha256: string;
  path: string;
}

export interface NewFileMeta {
  filename: string;
  purpose: string;
  /** Seconds after creation at which the file is deleted; null = kept. */
  expiresAfterS?: number | null;
  status?: FileStatus;
}

export type FileCreatedHook = (file: OpenAIFile) => void;
export type FileDeletedHook = (id: string) => void | Promise<void>;

/** Files: rows in SQLite, content under `files/<id>`; the row appears only after the content is durable. */
export class FileStore {
  private readonly createdHooks: FileCreatedHook[] = [];
  private readonly deletedHooks: FileDeletedHook[] = [];

  constructor(
    private readonly db: Db,
    private readonly dirs: DataDir,
  ) {}

  /** Runs after every new file (e.g. to validate fine-tune datasets). */
  onCreated(hook: FileCreatedHook): void {
    this.createdHooks.push(hook);
  }

  /** Runs after a file is deleted or expires (e.g. to drop its example index). */
  onDeleted(hook: FileDeletedHook): void {
    this.deletedHooks.push(hook);
  }

  /** Moves a finished temp file into the store and registers it. */
  async add(written: WrittenFile, meta: NewFileMeta): Promise<OpenAIFile> {
    const id = this.nextFileId(meta.purpose, meta.filename);
    const rel = join('files', id);
    await commitFile(written.tmpPath, join(this.dirs.root, rel));
    const created = nowSeconds();
    const row: FileRow = {
      seq: 0,
      id,
      bytes: written.bytes,
      created_at: created,
      expires_at: meta.expiresAfterS ? created + meta.expiresAfterS : null,
      filename: meta.filename,
      purpose: meta.purpose,
      status: meta.status ?? 'processed',
      status_details: null,
      md5: written.md5,
      sha256: written.sha256,
      path: rel,
    };
    this.db
      .prepare(
        `INSERT INTO files (id, bytes, created_at, expires_at, filename, purpose, status, status_details, md5, sha256, path)
         VALUES (@id, @bytes, @created_at, @expires_at, @filename, @purpose, @status, @status_details, @md5, @sha256, @path)`,
      )
      .run(row);
    const file = toApi(row);
    for (const hook of this.createdHooks) hook(file);
    return file;
  }

  get(id: string): OpenAIFile | null {
    const row = this.row(id);
    return row ? toApi(row) : null;
  }

  /** The file or a 404 in the OpenAI envelope. */
  require(id: string, param: string | null = null): OpenAIFile {
    const file = this.get(id);
    if (!file) throw notFound('File', id, param);
    return file;
  }

  /** Absolute path of a file's content. */
  contentPath(id: string): string {
    const row = this.row(id);
    if (!row) throw notFound('File', id);
    return join(this.dirs.root, row.path);
  }

  openContent(id: string): { file: OpenAIFile; stream: ReadStream } {
    const row = this.row(id);
    if (!row) throw notFound('File', id);
    return { file: toApi(row), stream: createReadStream(join(this.dirs.root, row.path)) };
  }

  /**
   * The OpenAI list (cursor `after`, newest first) plus Hone's search (`q`: case-insensitive
   * substring of filename or id), `sort` and `offset` pages; `total` counts every match.
   */
  list(q: FileListQuery): { data: OpenAIFile[]; has_more: boolean; total: number } {
    const desc = q.order === 'desc';
    const where: string[] = ['(expires_at IS NULL OR expires_at > @now)'];
    const params: Record<string, unknown> = { now: nowSeconds(), limit: q.limit + 1, offset: q.offset ?? 0 };
    if (q.purpose) {
      where.push('purpose = @purpose');
      params.purpose = q.purpose;
    }
    if (q.q) {
      where.push("(instr(lower(filename), @q) > 0 OR instr(lower(id), @q) > 0)");
      params.q = q.q.toLowerCase();
    }
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM files WHERE ${where.join(' AND ')}`).get(params) as { n: number }).n;
    const sort = q.sort ?? 'created_at';
    if (q.after) {
      if (sort !== 'created_at') throw badRequest("'after' pages only the default sort (created_at); use 'offset' with 'sort'.", 'after');
      const cursor = this.db.prepare('SELECT seq FROM files WHERE id = ?').get(q.after) as
        | { seq: number }
        | undefined;
      if (!cursor) throw badRequest(`No such File object for 'after': ${q.after}`, 'after');
      where.push(desc ? 'seq < @cursor' : 'seq > @cursor');
      params.cursor = cursor.seq;
    }
    const dir = desc ? 'DESC' : 'ASC';
    // seq breaks ties, so offset pages are stable; created_at order is upload order (seq).
    const orderBy = sort === 'created_at' ? `seq ${dir}` : `${sort === 'filename' ? 'filename COLLATE NOCASE' : 'bytes'} ${dir}, seq ${dir}`;
    const rows = this.db
      .prepare(`SELECT * FROM files WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT @limit OFFSET @offset`)
      .all(params) as FileRow[];
    const has_more = rows.length > q.limit;
    return { data: rows.slice(0, q.limit).map(toApi), has_more, total };
  }

  /** Filenames that start with `prefix` (for naming derived files). */
  filenamesWithPrefix(prefix: string): string[] {
    const rows = this.db.prepare('SELECT filename FROM files WHERE substr(filename, 1, length(@p)) = @p').all({ p: prefix }) as { filename: string }[];
    return rows.map((r) => r.filename);
  }

  setStatus(id: string, status: FileStatus, details: string | null = null): void {
    this.db.prepare('UPDATE files SET status = ?, status_details = ? WHERE id = ?').run(status, details, id);
  }

  /** Removes the row first (the file disappears from the API at once), then the content. */
  async delete(id: string): Promise<void> {
    const row = this.row(id);
    if (!row) throw notFound('File', id);
    await this.remove(row);
  }

  private async remove(row: FileRow): Promise<void> {
    this.db.prepare('DELETE FROM files WHERE id = ?').run(row.id);
    await rm(join(this.dirs.root, row.path), { force: true });
    for (const hook of this.deletedHooks) await Promise.resolve(hook(row.id)).catch(() => undefined);
  }

  /** Deletes files past their `expires_at`. Returns how many went. */
  async sweepExpired(): Promise<number> {
    const rows = this.db
      .prepare('SELECT * FROM files WHERE expires_at IS NOT NULL AND expires_at <= ?')
      .all(nowSeconds()) as FileRow[];
    for (const row of rows) await this.remove(row);
    return rows.length;
  }

  /**
   * Ids follow the seed service's scheme, `<purpose>-upload<N>-<stem>` (e.g.
   * `fine-tune-upload1-demo`), so its guide runs verbatim and ids say what they are. N is a
   * durable counter, so ids are unique and never reused; only [A-Za-z0-9._-] survive, so an id is
   * safe in URLs and as a file name.
   */
  private nextFileId(purpose: string, filename: string): string {
    const n = (
      this.db
        .prepare(
          `INSERT INTO counters (name, value) VALUES ('file', 1)
           ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
        )
        .get() as { value: number }
    ).value;
    const stem = filename.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 64) || 'file';
    return `${purpose}-upload${n}-${stem}`;
  }

  private row(id: string): FileRow | undefined {
    const row = this.db.prepare('SELECT * FROM files WHERE id = ?').get(id) as FileRow | undefined;
    if (row && row.expires_at !== null && row.expires_at <= nowSeconds()) return undefined;
    return row;
  }
}

function toApi(r: FileRow): OpenAIFile {
  return {
    id: r.id,
    object: 'file',
    bytes: r.bytes,
    created_at: r.created_at,
    expires_at: r.expires_at,
    filename: r.filename,
    purpose: r.purpose as OpenAIFile['purpose'],
    status: r.status as FileStatus,
    status_details: r.status_details,
    checksum: r.md5,
    sha256: r.sha256,
  };
}
