/**
 * The core's utilityProcess entry, for real: forked under plain Node with an IPC channel standing
 * in for Electron's parentPort. Ready message (URL + key, nothing on a URL), a queue summary once a
 * job exists, and a clean shutdown in both modes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoreMessage } from '../shared/schemas/desktop.js';
import { defaultPort, queueSummary } from './utility.js';
import type { JobRow } from './jobs/job-store.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SOURCE = join(import.meta.dirname, 'utility.ts');
/** What Electron runs (electron-vite's bundle); npm test builds it before vitest. */
const BUILT = join(import.meta.dirname, '../../out/main/core.js');

function startCore(dataDir: string, entry = SOURCE) {
  const child = fork(entry, ['--data-dir', dataDir, '--port', '0'], {
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: { ...process.env, HONE_API_KEY: '', HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off', HF_HUB_OFFLINE: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const messages: CoreMessage[] = [];
  // What the core printed: a failed exit says why in the assertion message.
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout?.resume();
  const waiters: Array<() => void> = [];
  child.on('message', (m) => {
    messages.push(CoreMessage.parse(m)); // every message main gets must parse
    waiters.splice(0).forEach((w) => w());
  });
  const next = async <T extends CoreMessage['type']>(type: T, pred: (m: Extract<CoreMessage, { type: T }>) => boolean = () => true, ms = 30_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = messages.find((m): m is Extract<CoreMessage, { type: T }> => m.type === type && pred(m as Extract<CoreMessage, { type: T }>));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 250);
      });
    }
  };
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, messages, next, exited, stderr: () => stderr };
}

async function api(url: string, key: string, path: string, init: RequestInit = {}) {
  const res = await fetch(url + path, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function kill(c: ChildProcess) {
  if (c.exitCode === null) c.kill('SIGKILL');
}

describe('core utility entry', () => {
  const entries = [
    ['sources', SOURCE],
    ['the built out/main/core.js', BUILT],
  ] as const;
  it.each(entries)('posts ready with url and key, a queue summary for a new job, and stops with pause (%s)', async (_name, entry) => {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npx electron-vite build first (npm test does)`);
    const dataDir = mkdtempSync(join(tmpdir(), 'hone-utility-'));
    dirs.push(dataDir);
    const core = startCore(dataDir, entry);
    try {
      const ready = await core.next('ready', () => true, 120_000); // tsx compiles the whole core first: slow on a loaded machine
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.key).toMatch(/.{20,}/);
      expect(ready.dataDir).toBe(dataDir);
      const first = await core.next('queue');
      expect(first.summary).toEqual({ running: 0, queued: 0, items: [] });

      const file = await api(ready.url, ready.key!, '/v1/hone/samples/marv-chat.jsonl/import', { method: 'POST' });
      expect(file.status).toBe(200);
      // The upload's validation runs in a worker thread (validate-worker.js beside core.js when built).
      await expect.poll(async () => (await api(ready.url, ready.key!, `/v1/files/${String(file.body.id)}`)).body.status, { timeout: 20_000 }).toBe('processed');
      const job = await api(ready.url, ready.key!, '/v1/fine_tuning/jobs', {
        method: 'POST',
        body: JSON.stringify({ model: 'hone-tiny-llama', training_file: file.body.id, hone: { gpus: 0 } }),
      });
      expect(job.status, JSON.stringify(job.body)).toBe(200);
      const q = await core.next('queue', (m) => m.summary.items.some((i) => i.id === job.body.id));
      const item = q.summary.items.find((i) => i.id === job.body.id)!;
      expect(item.model).toBe('hone-tiny-llama');
      expect(q.summary.running + q.summary.queued).toBe(1);

      // Cancelling ends it: main gets a job-ended note (the desktop notification's source).
      await api(ready.url, ready.key!, `/v1/fine_tuning/jobs/${String(job.body.id)}/cancel`, { method: 'POST' });
      const ended = await core.next('job-ended', (m) => m.job.id === job.body.id);
      expect(ended.job).toMatchObject({ kind: 'job', status: 'cancelled', model: 'hone-tiny-llama' });

      core.child.send({ type: 'shutdown', mode: 'pause' });
      expect((await core.next('stopped')).mode).toBe('pause');
      expect(await core.exited, core.stderr()).toBe(0);
    } finally {
      kill(core.child);
    }
  }, 240_000);

  it('ignores malformed messages and stops with detach', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hone-utility-'));
    dirs.push(dataDir);
    const core = startCore(dataDir);
    try {
      const ready = await core.next('ready', () => true, 120_000); // tsx compiles the whole core first: slow on a loaded machine
      core.child.send({ type: 'shutdown', mode: 'explode' });
      core.child.send('nonsense');
      await new Promise((r) => setTimeout(r, 300));
      expect((await fetch(`${ready.url}/`)).status).toBe(200); // still serving
      core.child.send({ type: 'shutdown', mode: 'detach' });
      expect((await core.next('stopped')).mode).toBe('detach');
      expect(await core.exited, core.stderr()).toBe(0);
    } finally {
      kill(core.child);
    }
  }, 240_000);

  it('reports a bad start as an error message and exits 1', async () => {
    const core = startCore('');
    try {
      const err = await core.next('error');
      expect(err.message).toMatch(/--data-dir/);
      expect(await core.exited).toBe(1);
    } finally {
      kill(core.child);
    }
  });

  it('summarises running and queued jobs with progress', () => {
    const row = (id: string, status: string, step: number | null, total: number | null) => ({ id, model: 'm', status, step, total_steps: total }) as unknown as JobRow;
    expect(queueSummary([row('a', 'running', 5, 10), row('b', 'queued', null, null), row('c', 'validating_files', null, null)])).toEqual({
      running: 1,
      queued: 2,
      items: [
        { id: 'a', model: 'm', status: 'running', progress: 0.5 },
        { id: 'b', model: 'm', status: 'queued', progress: null },
        { id: 'c', model: 'm', status: 'validating_files', progress: null },
      ],
    });
  });

  it("speaks Electron's parentPort when there is one (messages arrive as { data })", () => {
    const posted: unknown[] = [];
    let listener: ((e: { data: unknown }) => void) | undefined;
    const parentPort = { postMessage: (m: unknown) => posted.push(m), on: (_e: 'message', fn: (e: { data: unknown }) => void) => (listener = fn) };
    const port = defaultPort({ parentPort } as unknown as Parameters<typeof defaultPort>[0]);
    port.post({ type: 'stopped', mode: 'pause' });
    const got: unknown[] = [];
    port.onMessage((m) => got.push(m));
    listener!({ data: { type: 'shutdown', mode: 'detach' } });
    expect(posted).toEqual([{ type: 'stopped', mode: 'pause' }]);
    expect(got).toEqual([{ type: 'shutdown', mode: 'detach' }]);
  });
});
