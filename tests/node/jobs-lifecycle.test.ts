import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI, { toFile } from 'openai';
import { startTestServer, TEST_KEY, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';
import { sessionMembers, signalSession } from '../../electron/core/runner/process-tree.js';
import { DataDir } from '../../electron/core/storage/data-dir.js';

const OFFLINE = { HF_HUB_OFFLINE: '1' };
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

/** Every event message of a job (auto-paginated), metrics excluded. */
async function allMessages(client: OpenAI, jobId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of client.fineTuning.jobs.listEvents(jobId, { limit: 100 })) if (e.type === 'message') out.push(e.message);
  return out;
}

const terminal = (status: string) => ['succeeded', 'failed', 'cancelled'].includes(status);

describe('job lifecycle', () => {
  it('pause saves a checkpoint and stops the trainer; resume continues from it and completes', async () => {
    const s = await startTestServer({}, { trainerEnv: OFFLINE });
    servers.push(s);
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(30)), 't.jsonl'), purpose: 'fine-tune' });
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 4, batch_size: 1 } });
    await waitFor(() => s.client.fineTuning.jobs.listEvents(job.id, { limit: 100 }), (p) => p.data.filter((e) => e.type === 'metrics').length >= 2, 180_000, 'training steps');
    const pid = (s.core.db.prepare('SELECT pid FROM jobs WHERE id = ?').get(job.id) as { pid: number }).pid;
    const paused = await s.client.fineTuning.jobs.pause(job.id);
    expect(paused.status).toBe('paused');
    await waitFor(() => sessionMembers(pid).length, (n) => n === 0, 60_000, 'trainer to stop');
    await waitFor(() => s.core.jobs.isLive(job.id), (live) => !live, 10_000, 'job to leave the slot');
    const ckpts = await s.client.fineTuning.jobs.checkpoints.list(job.id);
    expect(ckpts.data.length).toBeGreaterThan(0);
    const pausedAt = ckpts.data[0]!.step_number;
    expect((await s.client.fineTuning.jobs.retrieve(job.id)).status).toBe('paused');

    const resumed = await s.client.fineTuning.jobs.resume(job.id);
    expect(['queued', 'running']).toContain(resumed.status);
    const done = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => terminal(j.status), 240_000, 'job end');
    expect(done.status).toBe('succeeded');
    const msgs = await allMessages(s.client, job.id);
    expect(msgs.some((m) => m.startsWith(`Resumed training from the checkpoint at step ${pausedAt}`)), msgs.join('\n')).toBe(true);
  }, 420_000);

  it('two jobs on the one CPU slot queue with a stated reason, and both finish', async () => {
    const s = await startTestServer({}, { trainerEnv: OFFLINE });
    servers.push(s);
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 't.jsonl'), purpose: 'fine-tune' });
    const a = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 2 } });
    // b is created once a holds the slot (validation runs concurrently, so creation order alone does not fix start order).
    await waitFor(() => s.client.fineTuning.jobs.retrieve(a.id), (j) => j.status === 'running', 60_000, 'a running');
    const b = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 2 } });
    const waiting = await waitFor(() => s.client.fineTuning.jobs.retrieve(b.id), (j) => j.status === 'queued', 60_000, 'b queued');
    const hone = (waiting as unknown as { hone: { queue_position: number; queue_reason: string } }).hone;
    expect(hone.queue_position).toBe(1);
    expect(hone.queue_reason).toMatch(new RegExp(`CPU slot \\(held by ${a.id}\\)`));
    const gpus = (await (await s.api('/v1/system/gpus')).json()) as { mode: string; cpu_slot: { job_id: string }; queue: Array<{ job_id: string }> };
    expect(gpus.mode).toBe('cpu');
    expect(gpus.cpu_slot.job_id).toBe(a.id);
    expect(gpus.queue.map((q) => q.job_id)).toEqual([b.id]);
    const ev = (await s.client.fineTuning.jobs.listEvents(b.id)).data.map((e) => e.message);
    expect(ev.some((m) => /^Queued \(position 1\): waiting for the CPU slot/.test(m))).toBe(true);
    for (const id of [a.id, b.id]) {
      const j = await waitFor(() => s.client.fineTuning.jobs.retrieve(id), (x) => terminal(x.status), 240_000, `${id} end`);
      expect(j.status).toBe('succeeded');
    }
  }, 420_000);

  it('the console streams as SSE, resumable from a byte offset', async () => {
    const s = await startTestServer({}, { trainerEnv: OFFLINE });
    servers.push(s);
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 't.jsonl'), purpose: 'fine-tune' });
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 2 } });
    const read = async (offset: number) => {
      const res = await s.api(`/v1/fine_tuning/jobs/${job.id}/console?offset=${offset}`);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const text = await res.text(); // the stream ends once the job has ended
      const events = text.split('\n\n').filter((b) => b.includes('event: '));
      const out = events.filter((e) => e.includes('event: output'));
      const body = out.map((e) => JSON.parse(e.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')) as string).join('');
      const ids = out.map((e) => Number(/^id: (\d+)$/m.exec(e)![1]));
      return { body, ids, end: events.at(-1)! };
    };
    const all = await read(0);
    expect(all.end).toMatch(/event: end/);
    expect(all.body.length).toBeGreaterThan(0);
    expect(all.ids).toEqual([...all.ids].sort((x, y) => x - y));
    // Resume from a byte offset in the middle (on a character boundary: progress bars are UTF-8).
    const k = Math.floor(all.body.length / 2);
    const rest = await read(Buffer.byteLength(all.body.slice(0, k)));
    expect(rest.body).toBe(all.body.slice(k));
    const unauth = await fetch(`${s.url}/v1/fine_tuning/jobs/${job.id}/console`);
    expect(unauth.status).toBe(401);
  }, 300_000);

  it('kill -9 of the server mid-training: the trainer keeps running and is re-attached; killed with it, the job resumes past its checkpoint', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hone-crash-'));
    const startProc = async (): Promise<{ proc: ChildProcess; url: string }> => {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/core/headless.ts', '--port', '0', '--data-dir', dataDir], {
        env: { ...process.env, HONE_API_KEY: TEST_KEY, HF_HUB_OFFLINE: '1', HONE_CHECKPOINT_EVERY_SECONDS: '2', HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = await new Promise<string>((res, rej) => {
        createInterface({ input: proc.stdout! }).on('line', (l) => l.startsWith('HONE_READY ') && res(JSON.parse(l.slice(11)).url));
        proc.on('exit', (c) => rej(new Error(`server exited ${c}`)));
      });
      return { proc, url };
    };
    const crash = async (p: ChildProcess) => {
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
    };
    const trainerPid = (msgs: string[]) => Number([...msgs].reverse().map((m) => /trainer on .* \(pid (\d+)\)/.exec(m)).find(Boolean)![1]);
    let srv = await startProc();
    try {
      let client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${srv.url}/v1`, maxRetries: 0 });
      const file = await client.files.create({ file: await toFile(Buffer.from(chatJsonl(30)), 't.jsonl'), purpose: 'fine-tune' });
      const job = await client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 8, batch_size: 1 } });
      let c = client;
      await waitFor(() => c.fineTuning.jobs.checkpoints.list(job.id), (p) => p.data.length > 0, 180_000, 'a checkpoint');
      const pid = trainerPid(await allMessages(client, job.id));
      const consoleFile = new DataDir(dataDir).jobsDir + `/${job.id}/console.log`;
      const consoleBefore = statSync(consoleFile).size;

      // 1. The core dies; the trainer does not (it outlives its terminal) and the next core takes it back.
      await crash(srv.proc);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(sessionMembers(pid).length, 'the trainer outlived the core').toBeGreaterThan(0);
      srv = await startProc();
      client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${srv.url}/v1`, maxRetries: 0 });
      c = client;
      const reattached = await waitFor(() => allMessages(c, job.id), (m) => m.some((x) => x.startsWith('Hone restarted; the trainer kept running and was re-attached')), 30_000, 're-attach');
      expect(reattached.join('\n')).toContain(`(pid ${pid}`);
      expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe('running');
      // Its progress and console keep arriving through the new core.
      const stepAt = (await client.fineTuning.jobs.checkpoints.list(job.id)).data.length;
      await waitFor(() => c.fineTuning.jobs.checkpoints.list(job.id), (p) => p.data.length > stepAt || p.data.length >= 3, 120_000, 'a checkpoint after re-attach');
      // The trainer writes its console itself now, where the job page reads it.
      expect(statSync(consoleFile).size).toBeGreaterThan(consoleBefore);

      // 2. The core and its trainer die together: the job is queued again and resumes from its checkpoint.
      await crash(srv.proc);
      signalSession(pid, 'SIGKILL');
      for (let i = 0; i < 50 && sessionMembers(pid).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      srv = await startProc();
      client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${srv.url}/v1`, maxRetries: 0 });
      const c2 = client;
      const done = await waitFor(() => c2.fineTuning.jobs.retrieve(job.id), (j) => terminal(j.status), 480_000, 'job end after restart').catch(async (e: Error) => {
        throw new Error(`${e.message}\n${(await allMessages(c2, job.id)).join('\n')}\n${readFileSync(consoleFile, 'utf8').slice(-3000)}`);
      });
      expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
      const msgs = await allMessages(client, job.id);
      expect(msgs.some((m) => m.startsWith('Hone stopped while this job was running')), msgs.join('\n')).toBe(true);
      const resumedFrom = msgs.map((m) => /^Resumed training from the checkpoint at step (\d+)/.exec(m)).find(Boolean);
      expect(resumedFrom, msgs.join('\n')).toBeTruthy();
      expect(Number(resumedFrom![1])).toBeGreaterThan(0);
    } finally {
      srv.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 900_000);
});
