import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { FineTuningJob } from '../../electron/shared/schemas/jobs.js';
import { LiveJobUpdate, SystemStatus } from '../../electron/shared/schemas/system.js';
import { systemMonitor } from '../../electron/core/system/system-status.js';
import { startTestServer, TEST_KEY, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';

/** The app's one live stream (`GET /v1/hone/live`) against a real server and real trainers on hone-tiny-llama. */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { trainerEnv: { HF_HUB_OFFLINE: '1' }, stopGraceMs: 20_000, killGraceMs: 3_000 });
});
afterAll(async () => s?.stop());

interface Received {
  event: string;
  data: string;
  at: number;
}

/** Reads the SSE stream as the app does (fetch with the bearer), collecting every event. */
async function openLive(headers: Record<string, string> = {}) {
  const ctl = new AbortController();
  const res = await s.api('/v1/hone/live', { signal: ctl.signal, headers: { accept: 'text/event-stream', ...headers } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: Received[] = [];
  let ended = false;
  void (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) events.push({ event, data: data.join('\n'), at: Date.now() });
      }
    }
  })()
    .catch(() => undefined)
    .finally(() => (ended = true));
  return {
    events,
    get ended() {
      return ended;
    },
    close: () => ctl.abort(),
    systems: () => events.filter((e) => e.event === 'system').map((e) => SystemStatus.parse(JSON.parse(e.data))),
    jobUpdates: (id: string) =>
      events
        .filter((e) => e.event === 'job')
        .map((e) => ({ at: e.at, u: LiveJobUpdate.parse(JSON.parse(e.data)) }))
        .filter((x) => x.u.job.id === id),
  };
}

async function upload(text: string) {
  return s.client.files.create({ file: await toFile(Buffer.from(text), 'train.jsonl'), purpose: 'fine-tune' });
}

describe('GET /v1/hone/live and GET /v1/hone/system', () => {
  it('needs the key like every /v1 route', async () => {
    for (const path of ['/v1/hone/live', '/v1/hone/system']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(401);
      expect((await res.json()) as object).toMatchObject({ error: { type: expect.any(String) } });
      const wrong = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}x` } });
      expect(wrong.status).toBe(401);
    }
    // The stream never ends: a client that did not ask for SSE gets a 406 envelope instead of waiting forever.
    const json = await s.api('/v1/hone/live', { headers: { accept: 'application/json' } });
    expect(json.status).toBe(406);
    expect(((await json.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'not_acceptable', message: expect.stringMatching(/text\/event-stream/) });
  });

  it('sends hello and a system event on connect that validates against SystemStatus', async () => {
    const live = await openLive();
    try {
      await waitFor(() => live.systems(), (a) => a.length > 0, 60_000, 'first system event');
      expect(live.events[0]!.event).toBe('hello');
      const st = live.systems()[0]!;
      const gpus = (await (await s.api('/v1/system/gpus')).json()) as { mode: string };
      expect(st.gpus.mode).toBe(gpus.mode);
      if (st.gpus.mode === 'cpu') expect(st.gpus.cpu_slot).toEqual({ job_id: null });
      for (const g of st.gpus.data) expect(g).toHaveProperty('temperature_c');
      expect(st.disk.path).toBe(s.dataDir);
      expect(st.disk.free_bytes).toBeGreaterThan(0);
      expect(st.disk.total_bytes).toBeGreaterThanOrEqual(st.disk.free_bytes!);
      // The test server runs with MLflow off; the project's .venv has torch and the trainer.
      expect(st.mlflow).toMatchObject({ status: 'off', ui_url: null });
      expect(st.mlflow.message).toMatch(/off/);
      expect(st.python).toMatchObject({ status: 'ok', message: null });
      expect(st.python.version).toMatch(/^3\.\d+/);
      expect(st.python.torch).toMatch(/^\d+\.\d+/);
      expect(st.jobs).toEqual({ running: 0, queued: 0 });
      // While the stream is open the GPUs are watched (re-probed every 5 s on a GPU machine).
      expect(systemMonitor(s.core).watching).toBe(1);

      const res = await s.api('/v1/hone/system');
      expect(res.status).toBe(200);
      const direct = SystemStatus.parse(await res.json());
      expect(direct.python).toEqual(st.python);
      expect(direct.gpus.mode).toBe(st.gpus.mode);
    } finally {
      live.close();
    }
    await waitFor(() => systemMonitor(s.core).watching, (n) => n === 0, 5_000, 'the closed stream to stop watching');
  });

  it("a job's status changes and progress arrive as job events, coalesced; the queue and the CPU slot as system events", async () => {
    const live = await openLive();
    try {
      await waitFor(() => live.systems(), (a) => a.length > 0, 60_000, 'first system event');
      const file = await upload(chatJsonl(24));
      const a = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 3, batch_size: 2 } });
      // Jobs take the slot in the order their validation ends: B is created once A holds it.
      await waitFor(() => s.client.fineTuning.jobs.retrieve(a.id), (j) => j.status === 'running', 120_000, 'A running');
      const b = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1 } });

      // B waits for the CPU slot that A holds, and the stream says so in both places.
      const queuedB = await waitFor(
        () => live.jobUpdates(b.id).map((x) => x.u.job as FineTuningJob),
        (js) => js.some((j) => j.status === 'queued' && /CPU slot/.test(j.hone.queue_reason ?? '')),
        120_000,
        'B queued behind A',
      );
      expect(queuedB.find((j) => j.status === 'queued')!.hone.queue_position).toBe(1);
      const sys = await waitFor(
        () => live.systems(),
        (ss) => ss.some((x) => x.gpus.queue.some((q) => q.job_id === b.id) && (x.gpus.mode === 'gpu' || x.gpus.cpu_slot?.job_id === a.id)),
        60_000,
        'system event with A in the slot and B queued',
      );
      const withQueue = sys.find((x) => x.gpus.queue.some((q) => q.job_id === b.id))!;
      expect(withQueue.gpus.queue[0]).toMatchObject({ job_id: b.id, position: 1, reason: expect.stringMatching(/CPU slot \(held by/) });
      expect(withQueue.jobs.queued).toBeGreaterThanOrEqual(1);
      await s.client.fineTuning.jobs.cancel(b.id);
      await waitFor(() => live.jobUpdates(b.id).map((x) => x.u.job.status), (st) => st.includes('cancelled'), 20_000, 'B cancelled on the stream');

      // A: every status on its way, and progress (steps) while it runs, without polling anything.
      const updates = await waitFor(
        () => live.jobUpdates(a.id),
        (us) => us.some((x) => x.u.job.status === 'succeeded' || x.u.job.status === 'failed'),
        240_000,
        'A to finish on the stream',
      );
      const jobs = updates.map((x) => x.u.job as FineTuningJob);
      expect(jobs.at(-1)!.status, JSON.stringify(jobs.at(-1)!.error)).toBe('succeeded');
      expect(updates.every((x) => x.u.kind === 'job')).toBe(true);
      const statuses = jobs.map((j) => j.status).filter((st, i, all) => st !== all[i - 1]);
      expect(statuses).toContain('running');
      expect(statuses.at(-1)).toBe('succeeded');
      const steps = [...new Set(jobs.filter((j) => j.status === 'running' && j.hone.step !== null).map((j) => j.hone.step!))];
      expect(steps.length).toBeGreaterThanOrEqual(2);
      expect(steps).toEqual([...steps].sort((x, y) => x - y));
      expect(jobs.at(-1)!.fine_tuned_model).toMatch(/^ft:hone-tiny-llama:hone:/);
      // The last update equals what GET returns.
      const got = FineTuningJob.parse(await (await s.api(`/v1/fine_tuning/jobs/${a.id}`)).json());
      expect(jobs.at(-1)).toEqual(got);
      // Coalesced: at most ~4 updates a second for one job, however fast the trainer writes.
      const times = updates.map((x) => x.at);
      const perSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
      expect(perSecond).toBeLessThanOrEqual(5);
      const events = await s.client.fineTuning.jobs.listEvents(a.id, { limit: 100 });
      expect(events.data.length).toBeGreaterThan(updates.length / 2); // many DB changes, fewer messages
      console.log(`live stream: ${updates.length} job events for ${a.id} (${events.data.length}+ job events in the DB), max ${perSecond}/s, steps seen ${steps.join(',')}`);

      // Back to idle: the system event says so.
      await waitFor(() => live.systems().at(-1)!, (x) => x.jobs.running === 0 && x.jobs.queued === 0, 30_000, 'idle system event');
    } finally {
      live.close();
    }
  }, 360_000);

  it('reconnecting works: a new connection gets hello and the current state, and follows changes again', async () => {
    const first = await openLive();
    await waitFor(() => first.systems(), (a) => a.length > 0, 30_000, 'first system event');
    first.close();
    await waitFor(() => systemMonitor(s.core).watching, (n) => n === 0, 5_000, 'the dropped stream to be released');

    // A client resuming with Last-Event-ID (as the app's stream client does) gets a full fresh start.
    const second = await openLive({ 'last-event-id': '42' });
    try {
      await waitFor(() => second.systems(), (a) => a.length > 0, 30_000, 'system event after reconnecting');
      expect(second.events[0]!.event).toBe('hello');
      expect(second.systems()[0]).toEqual(first.systems().at(-1));
      // A change after the reconnect arrives on the new stream: a job whose dataset is invalid fails at once.
      const bad = await upload(chatJsonl(11) + '{"messages": [{"role": "user"}]}\n');
      const job = await s.client.fineTuning.jobs.create({ training_file: bad.id, model: 'hone-tiny-llama' });
      const seen = await waitFor(() => second.jobUpdates(job.id).map((x) => x.u.job as FineTuningJob), (js) => js.some((j) => j.status === 'failed'), 30_000, 'failure on the new stream');
      expect(seen.find((j) => j.status === 'failed')!.error).toMatchObject({ code: 'invalid_training_file' });
      expect(first.jobUpdates(job.id)).toEqual([]);
    } finally {
      second.close();
    }
  }, 90_000);

  it('a burst of changes to one job is folded into at most ~4 messages a second', async () => {
    const live = await openLive();
    try {
      await waitFor(() => live.systems(), (a) => a.length > 0, 30_000, 'first system event');
      const bad = await upload(chatJsonl(11) + '{"messages": []}\n');
      const job = await s.client.fineTuning.jobs.create({ training_file: bad.id, model: 'hone-tiny-llama' });
      await waitFor(() => live.jobUpdates(job.id).map((x) => x.u.job.status), (st) => st.includes('failed'), 30_000, 'failed job');
      const before = live.jobUpdates(job.id).length;
      // 80 changes in 2 s (what a chatty trainer's events do), through the store the importer writes to.
      const t0 = Date.now();
      for (let i = 0; i < 80; i++) {
        s.core.jobs.store.addEvent(job.id, { message: `burst ${i}` });
        await new Promise((r) => setTimeout(r, 25));
      }
      const elapsed = Date.now() - t0;
      await new Promise((r) => setTimeout(r, 800));
      const burst = live.jobUpdates(job.id).slice(before);
      const gaps = burst.slice(1).map((x, i) => x.at - burst[i]!.at);
      console.log(`burst: 80 changes in ${elapsed} ms → ${burst.length} job events, smallest gap ${Math.min(...gaps)} ms`);
      expect(burst.length).toBeGreaterThanOrEqual(2); // folded, not dropped
      expect(burst.length).toBeLessThanOrEqual(Math.ceil(elapsed / 250) + 2);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    } finally {
      live.close();
    }
  }, 60_000);

  it('on-demand benchmarks arrive as kind "benchmark"', async () => {
    const live = await openLive();
    try {
      await waitFor(() => live.systems(), (a) => a.length > 0, 30_000, 'first system event');
      const res = await s.api('/v1/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'hone-tiny-llama', suites: { needle: false, lm_eval: { limit: 2 } } }) });
      expect(res.status, await res.clone().text()).toBe(200);
      const bench = (await res.json()) as { id: string };
      const ups = await waitFor(() => live.jobUpdates(bench.id), (us) => us.length > 0, 30_000, 'benchmark update');
      expect(ups[0]!.u.kind).toBe('benchmark');
      expect(ups[0]!.u.job).toMatchObject({ id: bench.id, object: 'benchmark' });
      await s.api(`/v1/fine_tuning/jobs/${bench.id}/cancel`, { method: 'POST' });
      await waitFor(() => live.jobUpdates(bench.id).map((x) => x.u.job.status), (st) => st.includes('cancelled'), 60_000, 'benchmark cancelled on the stream');
    } finally {
      live.close();
    }
  }, 120_000);
});

describe('MLflow health in the system status (a real local MLflow)', () => {
  let m: TestServer;
  beforeAll(async () => {
    m = await startTestServer({}, { mlflow: 'local' });
  });
  afterAll(async () => m?.stop());

  it('idle until first use (looking does not start it), ok behind the proxy path, down after a crash, ok again once restarted', async () => {
    const system = async () => SystemStatus.parse(await (await m.api('/v1/hone/system')).json());
    const idle = await system();
    expect(idle.mlflow).toMatchObject({ status: 'idle', ui_url: '/mlflow/', embeddable: true });
    expect(idle.mlflow.message).toMatch(/starts with the first job or when you open Experiments/);
    expect(m.core.mlflow!.pid).toBeNull();

    const started = await m.api('/v1/hone/mlflow/start', { method: 'POST' });
    expect(started.status, await started.clone().text()).toBe(200);
    const ok = await waitFor(system, (st) => st.mlflow.status === 'ok', 30_000, 'MLflow ok');
    expect(ok.mlflow).toEqual({ status: 'ok', ui_url: '/mlflow/', embeddable: true, message: null });

    // A crash (its whole process group killed): down, with what Hone does about it, then back.
    process.kill(-m.core.mlflow!.pid!, 'SIGKILL');
    const down = await waitFor(system, (st) => st.mlflow.status === 'down', 15_000, 'MLflow down');
    expect(down.mlflow.message).toMatch(/Hone starts it again|Hone restarts it/);
    expect(down.mlflow.message).toContain('server.log');
    await waitFor(system, (st) => st.mlflow.status === 'ok', 90_000, 'MLflow ok after its restart');
    expect(m.core.mlflow!.restartCount).toBe(1);
  }, 180_000);
});

describe('GPU figures re-read only while someone watches', () => {
  // This machine has no NVIDIA GPU: the core's GPU-probe seam (what nvidia-smi would answer) counts
  // calls and reports a temperature that rises with each call.
  let g: TestServer;
  let calls = 0;
  const probe = async () => {
    calls++;
    return [{ index: 0, uuid: 'GPU-seam-0', name: 'Probe GPU', memoryTotalMiB: 81_920, memoryUsedMiB: 1_000 + calls, utilizationPercent: 50, temperatureC: 40 + calls }];
  };
  beforeAll(async () => {
    g = await startTestServer({}, { gpuProbe: probe });
  });
  afterAll(async () => g?.stop());

  it('no stream: no probes (GET answers from the last reading); a stream: every ~5 s, with temperature; closed: stops', async () => {
    expect(calls).toBe(1); // JobService.init
    const got = SystemStatus.parse(await (await g.api('/v1/hone/system')).json());
    expect(got.gpus.data[0]).toMatchObject({ name: 'Probe GPU', temperature_c: 41, memory_used_mib: 1001, job_id: null });
    const gpus = (await (await g.api('/v1/system/gpus')).json()) as { data: Array<{ temperature_c: number }> };
    expect(gpus.data[0]!.temperature_c).toBe(41);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(calls).toBe(1);

    const ctl = new AbortController();
    const res = await g.api('/v1/hone/live', { signal: ctl.signal, headers: { accept: 'text/event-stream' } });
    let text = '';
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
    })().catch(() => undefined);
    const temps = () =>
      [...text.matchAll(/event: system\ndata: (.*)\n/g)].map((m) => SystemStatus.parse(JSON.parse(m[1]!)).gpus.data[0]!.temperature_c);
    // Probed on connect and every 5 s after; each new reading goes out as a system event.
    await waitFor(temps, (t) => new Set(t).size >= 3, 20_000, 'three GPU readings on the stream');
    ctl.abort();
    await waitFor(() => systemMonitor(g.core).watching, (n) => n === 0, 5_000, 'stream closed');
    const after = calls;
    await new Promise((r) => setTimeout(r, 6_000));
    expect(calls).toBe(after);
    console.log(`gpu probes: ${after} (1 at init, the rest while the stream was open); temperatures seen ${[...new Set(temps())].join(', ')}`);
  }, 60_000);
});

describe('a rotated API key', () => {
  let r: TestServer;
  beforeAll(async () => {
    r = await startTestServer({ apiKeyEnv: undefined });
  });
  afterAll(async () => r?.stop());

  it('ends open live streams; reconnecting with the old key is refused', async () => {
    const old = r.apiKey!.key;
    const ctl = new AbortController();
    const res = await fetch(`${r.url}/v1/hone/live`, { signal: ctl.signal, headers: { authorization: `Bearer ${old}`, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    let text = '';
    let ended = false;
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (let x = await reader.read(); !x.done; x = await reader.read()) text += x.value;
      ended = true;
    })().catch(() => undefined);
    await waitFor(() => text, (t) => t.includes('event: system'), 30_000, 'first system event');
    const rot = await fetch(`${r.url}/v1/hone/api-key/rotate`, { method: 'POST', headers: { authorization: `Bearer ${old}` } });
    expect(rot.status).toBe(200);
    await waitFor(() => ended, (e) => e, 5_000, 'the stream to end after the rotation');
    const again = await fetch(`${r.url}/v1/hone/live`, { headers: { authorization: `Bearer ${old}`, accept: 'text/event-stream' } });
    expect(again.status).toBe(401);
    ctl.abort();
  });
});
