import { Worker } from 'node:worker_threads';

/**
 * md5 + sha256 off the main thread. Hashing costs about as much CPU as receiving an upload (md5
 * runs at ~700 MB/s on one core), so it runs in two persistent workers, one per algorithm, which
 * also lets the two digests proceed in parallel. Data travels in SharedArrayBuffer-backed batches
 * (see `batch-buffers.ts`), so nothing is copied on the way; a batch may be reused once `update`
 * has resolved. Messages to a worker are handled in order, so checkpoint/restore/digest always
 * see every update posted before them.
 *
 * The worker source is inline (`eval`), so it runs the same under tsx, Vitest and Electron.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const alg = workerData.alg;
const sessions = new Map(); // id -> { hash, saved }
function session(id) {
  let s = sessions.get(id);
  if (!s) sessions.set(id, (s = { hash: createHash(alg), saved: null }));
  return s;
}
parentPort.on('message', (m) => {
  try {
    switch (m.op) {
      case 'update':
        session(m.id).hash.update(new Uint8Array(m.buf, 0, m.len));
        return parentPort.postMessage({ seq: m.seq });
      case 'checkpoint': { const s = session(m.id); s.saved = s.hash.copy(); return; }
      case 'restore': { const s = session(m.id); if (s.saved) s.hash = s.saved.copy(); return; }
      case 'digest': // of a copy: the session can go on (the next part of an upload) or retry
        return parentPort.postMessage({ seq: m.seq, hex: session(m.id).hash.copy().digest('hex') });
      case 'close':
        sessions.delete(m.id);
        return;
    }
  } catch (err) {
    if (m.seq !== undefined) parentPort.postMessage({ seq: m.seq, error: String(err) });
  }
});
`;

type Reply = { seq: number; hex?: string; error?: string };

/** One persistent worker running one hash algorithm for any number of sessions. */
class HashWorker {
  private worker: Worker | null = null;
  /** Bumped whenever the worker dies: sessions opened before then have lost their state. */
  epoch = 0;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(private readonly alg: 'md5' | 'sha256') {}

  post(msg: Record<string, unknown>): void {
    this.spawn().postMessage(msg);
  }

  request(msg: Record<string, unknown>): Promise<Reply> {
    const seq = ++this.seq;
    const worker = this.spawn();
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      // Keep the process alive only while answers are owed; an idle pool never blocks exit.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...msg, seq });
    });
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { alg: this.alg } });
    worker.unref();
    worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.seq);
      if (!p) return;
      this.pending.delete(r.seq);
      if (this.pending.size === 0) worker.unref();
      if (r.error) p.reject(new Error(`${this.alg} worker: ${r.error}`));
      else p.resolve(r);
    });
    const died = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.epoch++;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`${this.alg} worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

const workers = { md5: new HashWorker('md5'), sha256: new HashWorker('sha256') };
let nextId = 0;

/** Thrown when a session's state was lost (its worker died); the data must be hashed again. */
export class HashLostError extends Error {}

export interface Digests {
  md5: string;
  sha256: string;
}

/** A running md5 + sha256 of one byte sequence. Call `close` when done with it. */
export class HashSession {
  private readonly id = ++nextId;
  private readonly epochs = { md5: workers.md5.epoch, sha256: workers.sha256.epoch };

  /** Hashes `len` bytes at the start of `buf`; resolves once both workers are done with it. */
  async update(buf: SharedArrayBuffer, len: number): Promise<void> {
    this.check();
    await Promise.all([workers.md5.request({ op: 'update', id: this.id, buf, len }), workers.sha256.request({ op: 'update', id: this.id, buf, len })]);
  }

  /** Remembers the current state, for `restore` (e.g. before a part that may fail midway). */
  checkpoint(): void {
    this.broadcast('checkpoint');
  }

  /** Goes back to the state at the last `checkpoint`. */
  restore(): void {
    this.broadcast('restore');
  }

  /** The digests of everything so far; the session stays usable. */
  async digest(): Promise<Digests> {
    this.check();
    const [md5, sha256] = await Promise.all([workers.md5.request({ op: 'digest', id: this.id }), workers.sha256.request({ op: 'digest', id: this.id })]);
    return { md5: md5.hex!, sha256: sha256.hex! };
  }

  close(): void {
    this.broadcast('close');
  }

  /** False once a worker has died since this session started. */
  get alive(): boolean {
    return workers.md5.epoch === this.epochs.md5 && workers.sha256.epoch === this.epochs.sha256;
  }

  private check(): void {
    if (!this.alive) throw new HashLostError('the hash state was lost (a hashing worker died)');
  }

  private broadcast(op: string): void {
    if (!this.alive) return;
    workers.md5.post({ op, id: this.id });
    workers.sha256.post({ op, id: this.id });
  }
}
