/**
 * Per-file example index: `<dataDir>/indexes/<file>.idx`, a 32-byte header and one 16-byte record
 * per example (byte offset f64, byte length u32, start line u32), so example N is one positioned
 * read of the index and one of the file. Built once by streaming the file (constant memory:
 * records go to disk after every chunk); while it builds, the records written so far are served.
 * It is a cache: a missing, partial or stale index is rebuilt.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetContainer } from '../../shared/schemas/validation.js';
import { detectContainer, JsonArrayScanner, JsonlScanner, type ExampleScanner, type ExampleSpan } from './example-scan.js';

const MAGIC = 0x32584449; // "IDX2"
const HEADER = 32;
const REC = 16;
const CHUNK = 1 << 20;

/** One file's index, complete or being built. */
export interface IndexHandle {
  readonly container: DatasetContainer;
  /** Examples indexed so far (all of them once `done`). */
  readonly count: number;
  readonly indexedBytes: number;
  readonly done: boolean;
  /** Once done: false when a JSON array is malformed part-way (examples after the fault are not indexed). */
  readonly clean: boolean;
  /** Records [from, from+n) that are already indexed: one positioned read. */
  read(from: number, n: number): Promise<ExampleSpan[]>;
  /** Resolves once `n` examples are indexed, the build is done, or `ms` passed. */
  waitFor(n: number, ms: number): Promise<void>;
  /** Resolves when the build is done (rejects when it failed). */
  finished(): Promise<void>;
}

class Build implements IndexHandle {
  container: DatasetContainer = 'jsonl';
  count = 0;
  indexedBytes = 0;
  done = false;
  clean = true;
  private waiters: (() => void)[] = [];
  readonly promise: Promise<void>;
  private aborted = false;

  constructor(
    private readonly source: string,
    private readonly fileBytes: number,
    private readonly tmp: string,
    private readonly final: string,
  ) {
    this.promise = this.run();
    this.promise.catch(() => undefined).finally(() => this.wake());
  }

  abort(): void {
    this.aborted = true;
  }

  async read(from: number, n: number): Promise<ExampleSpan[]> {
    n = Math.max(0, Math.min(n, this.count - from));
    if (n === 0) return [];
    try {
      return await readRecords(this.done ? this.final : this.tmp, from, n);
    } catch (e) {
      // Renamed into place between the check and the open.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return readRecords(this.final, from, n);
      throw e;
    }
  }

  waitFor(n: number, ms: number): Promise<void> {
    if (this.done || this.count >= n) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const check = () => {
        if (this.done || this.count >= n) done();
        else this.waiters.push(check);
      };
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(check);
    });
  }

  finished(): Promise<void> {
    return this.promise;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async run(): Promise<void> {
    const fh = await open(this.tmp, 'w');
    try {
      let batch = Buffer.allocUnsafe(64 * 1024);
      let inBatch = 0;
      const sink = (offset: number, length: number, line: number) => {
        if ((inBatch + 1) * REC > batch.length) {
          const bigger = Buffer.allocUnsafe(batch.length * 2);
          batch.copy(bigger, 0, 0, inBatch * REC);
          batch = bigger;
        }
        const o = inBatch * REC;
        batch.writeDoubleLE(offset, o);
        batch.writeUInt32LE(Math.min(length, 0xffffffff), o + 8);
        batch.writeUInt32LE(line, o + 12);
        inBatch++;
      };
      let scanner: ExampleScanner | null = null;
      let base = 0;
      let pos = HEADER;
      for await (const chunk of createReadStream(this.source, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
        if (this.aborted) throw new Error('index build aborted');
        if (!scanner) {
          const { container, skip } = detectContainer(chunk);
          this.container = container;
          scanner = container === 'jsonl' ? new JsonlScanner(sink, skip) : new JsonArrayScanner(sink, skip);
        }
        scanner.push(chunk, base);
        base += chunk.length;
        if (inBatch > 0) {
          await fh.write(batch, 0, inBatch * REC, pos);
          pos += inBatch * REC;
          this.count += inBatch;
          inBatch = 0;
        }
        this.indexedBytes = base;
        this.wake();
      }
      scanner?.end(base);
      this.clean = scanner?.clean ?? true;
      if (inBatch > 0) {
        await fh.write(batch, 0, inBatch * REC, pos);
        this.count += inBatch;
      }
      await fh.write(header(this.fileBytes, this.count, this.container, this.clean), 0, HEADER, 0);
      await fh.close();
      await rename(this.tmp, this.final);
      this.indexedBytes = this.fileBytes;
      this.done = true;
    } catch (e) {
      await fh.close().catch(() => undefined);
      await rm(this.tmp, { force: true });
      throw e;
    }
  }
}

class Ready implements IndexHandle {
  readonly done = true;
  constructor(
    readonly path: string,
    readonly container: DatasetContainer,
    readonly count: number,
    readonly indexedBytes: number,
    readonly clean: boolean,
  ) {}
  read(from: number, n: number): Promise<ExampleSpan[]> {
    n = Math.max(0, Math.min(n, this.count - from));
    return n === 0 ? Promise.resolve([]) : readRecords(this.path, from, n);
  }
  waitFor(): Promise<void> {
    return Promise.resolve();
  }
  finished(): Promise<void> {
    return Promise.resolve();
  }
}

function header(fileBytes: number, count: number, container: DatasetContainer, clean: boolean): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32LE(MAGIC, 0);
  h.writeUInt8(container === 'jsonl' ? 1 : 2, 4);
  h.writeUInt8(clean ? 1 : 0, 5);
  h.writeDoubleLE(fileBytes, 8);
  h.writeDoubleLE(count, 16);
  return h;
}

async function readRecords(path: string, from: number, n: number): Promise<ExampleSpan[]> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(n * REC);
    const { bytesRead } = await fh.read(buf, 0, n * REC, HEADER + from * REC);
    const out: ExampleSpan[] = [];
    for (let o = 0; o + REC <= bytesRead; o += REC) {
      out.push({ offset: buf.readDoubleLE(o), length: buf.readUInt32LE(o + 8), line: buf.readUInt32LE(o + 12) });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** A finished index that matches the file, or null (missing, partial, stale, foreign). */
async function openReady(path: string, fileBytes: number): Promise<Ready | null> {
  try {
    const fh = await open(path, 'r');
    try {
      const h = Buffer.alloc(HEADER);
      await fh.read(h, 0, HEADER, 0);
      const size = (await fh.stat()).size;
      const kind = h.readUInt8(4);
      const count = h.readDoubleLE(16);
      if (h.readUInt32LE(0) !== MAGIC || h.readDoubleLE(8) !== fileBytes || size !== HEADER + count * REC || (kind !== 1 && kind !== 2)) return null;
      return new Ready(path, kind === 1 ? 'jsonl' : 'json_array', count, fileBytes, h.readUInt8(5) === 1);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
}

/** Every file's index: one build per file however many callers ask at once. */
export class ExampleIndexes {
  private readonly builds = new Map<string, Build>();
  private readonly ready = new Map<string, Ready>();
  private readonly opening = new Map<string, Promise<IndexHandle>>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    // Half-built indexes of a previous run (crash, shutdown mid-build) are rebuilt on demand.
    for (const name of readdirSync(dir)) if (name.includes('.idx.tmp-')) rmSync(join(dir, name), { force: true });
  }

  pathOf(fileId: string): string {
    const name = encodeURIComponent(fileId);
    return join(this.dir, `${name.length <= 200 ? name : createHash('sha256').update(fileId).digest('hex')}.idx`);
  }

  /** The file's index, finished or building; starts a build when there is none. */
  open(fileId: string, contentPath: string, fileBytes: number): Promise<IndexHandle> {
    const build = this.builds.get(fileId);
    if (build) return Promise.resolve(build);
    const ready = this.ready.get(fileId);
    if (ready) return Promise.resolve(ready);
    let p = this.opening.get(fileId);
    if (!p) {
      p = this.openOrBuild(fileId, contentPath, fileBytes).finally(() => this.opening.delete(fileId));
      this.opening.set(fileId, p);
    }
    return p;
  }

  /** Forget a cached index whose file vanished (e.g. deleted by hand); the next open rebuilds. */
  invalidate(fileId: string): void {
    this.ready.delete(fileId);
  }

  /** The file is gone: stop any build and delete the index. */
  async remove(fileId: string): Promise<void> {
    const build = this.builds.get(fileId);
    build?.abort();
    this.builds.delete(fileId);
    this.ready.delete(fileId);
    await build?.finished().catch(() => undefined);
    await rm(this.pathOf(fileId), { force: true });
  }

  private async openOrBuild(fileId: string, contentPath: string, fileBytes: number): Promise<IndexHandle> {
    const path = this.pathOf(fileId);
    const ready = await openReady(path, fileBytes);
    if (ready) {
      this.ready.set(fileId, ready);
      return ready;
    }
    await stat(contentPath); // a missing content file is the caller's 404, not a build
    const build = new Build(contentPath, fileBytes, `${path}.tmp-${process.pid}-${Date.now()}`, path);
    this.builds.set(fileId, build);
    build.promise.then(
      async () => {
        if (this.builds.get(fileId) !== build) return;
        this.builds.delete(fileId);
        this.ready.set(fileId, new Ready(path, build.container, build.count, fileBytes, build.clean));
      },
      () => {
        if (this.builds.get(fileId) === build) this.builds.delete(fileId);
      },
    );
    return build;
  }
}
