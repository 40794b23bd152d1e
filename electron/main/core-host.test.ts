import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoreHost, type CoreChild, type CoreHostEvents } from './core-host.js';
import type { MainMessage } from '../shared/schemas/desktop.js';

class FakeChild extends EventEmitter implements CoreChild {
  posted: MainMessage[] = [];
  killed = false;
  constructor(readonly args: string[]) {
    super();
  }
  postMessage(m: MainMessage) {
    this.posted.push(m);
  }
  kill() {
    this.killed = true;
    setImmediate(() => this.emit('exit', 137));
    return true;
  }
  ready(port = 8017) {
    this.emit('message', { type: 'ready', url: `http://127.0.0.1:${port}`, key: 'k', dataDir: '/d' });
  }
}

function host(events: CoreHostEvents = {}, extra: Partial<ConstructorParameters<typeof CoreHost>[0]> = {}) {
  const children: FakeChild[] = [];
  let t = 0;
  const h = new CoreHost({
    fork: (_m, args) => {
      const c = new FakeChild(args);
      children.push(c);
      return c;
    },
    modulePath: '/out/main/core.js',
    args: (port) => ['--data-dir', '/d', '--port', String(port ?? 8017)],
    events,
    backoffMs: (n) => n * 10,
    now: () => (t += 1000),
    ...extra,
  });
  return { h, children };
}

afterEach(() => vi.useRealTimers());

describe('core host', () => {
  it('forks the core with its argv and resolves on ready; forwards queue and job ends; ignores junk', async () => {
    const events = { ready: vi.fn(), queue: vi.fn(), jobEnded: vi.fn(), log: vi.fn() };
    const { h, children } = host(events);
    const started = h.start();
    expect(children[0]!.args).toEqual(['--data-dir', '/d', '--port', '8017']);
    children[0]!.emit('message', { type: 'ready', url: 'not a url', key: 1 });
    children[0]!.ready(8017);
    expect(await started).toEqual({ url: 'http://127.0.0.1:8017', key: 'k', dataDir: '/d' });
    expect(events.ready).toHaveBeenCalledWith(expect.objectContaining({ url: 'http://127.0.0.1:8017' }), false);
    children[0]!.emit('message', { type: 'queue', summary: { running: 1, queued: 0, items: [{ id: 'ftjob-a', model: 'm', status: 'running', progress: 0.5 }] } });
    expect(h.summary?.running).toBe(1);
    children[0]!.emit('message', { type: 'job-ended', job: { id: 'ftjob-a', kind: 'job', model: 'm', status: 'succeeded', fine_tuned_model: 'ft:m' } });
    expect(events.jobEnded).toHaveBeenCalledWith(expect.objectContaining({ status: 'succeeded' }));
    expect(events.log).toHaveBeenCalledWith(expect.stringMatching(/malformed/));
  });

  it('restarts a crashed core on the same port with a backoff and says it was restarted', async () => {
    const events = { ready: vi.fn(), crashed: vi.fn(), gaveUp: vi.fn() };
    const { h, children } = host(events);
    const started = h.start();
    children[0]!.ready(40123);
    await started;
    children[0]!.emit('exit', 1);
    expect(h.state).toBe('waiting-restart');
    expect(events.crashed).toHaveBeenCalledWith(expect.objectContaining({ code: 1, crashes: 1, delayMs: 10 }));
    await vi.waitFor(() => expect(children).toHaveLength(2));
    expect(children[1]!.args).toContain('40123');
    children[1]!.ready(40123);
    expect(events.ready).toHaveBeenLastCalledWith(expect.anything(), true);
    expect(h.state).toBe('ready');
    expect(events.gaveUp).not.toHaveBeenCalled();
  });

  it('gives up after N crashes within the window, with the core’s last error', async () => {
    const events = { gaveUp: vi.fn() };
    const { h, children } = host(events, { maxCrashes: 3, crashWindowMs: 60_000 });
    const started = h.start();
    for (let i = 0; i < 3; i++) {
      await vi.waitFor(() => expect(children).toHaveLength(i + 1));
      children[i]!.emit('message', { type: 'error', message: 'listen EADDRINUSE: address already in use 127.0.0.1:8017' });
      children[i]!.emit('exit', 1);
    }
    await expect(started).rejects.toThrow(/EADDRINUSE/);
    expect(h.state).toBe('gave-up');
    expect(events.gaveUp).toHaveBeenCalledWith({ crashes: 3, lastError: expect.stringMatching(/EADDRINUSE/) });
    await new Promise((r) => setTimeout(r, 50));
    expect(children).toHaveLength(3);
  });

  it('crashes far apart never add up to giving up', async () => {
    const events = { gaveUp: vi.fn() };
    let t = 0;
    const { h, children } = host(events, { maxCrashes: 2, crashWindowMs: 5_000, now: () => (t += 10_000) });
    void h.start();
    for (let i = 0; i < 4; i++) {
      await vi.waitFor(() => expect(children).toHaveLength(i + 1));
      children[i]!.ready();
      children[i]!.emit('exit', 1);
    }
    expect(events.gaveUp).not.toHaveBeenCalled();
  });

  it('kills a core that never reports ready, and counts it as a crash', async () => {
    const events = { crashed: vi.fn() };
    const { h, children } = host(events, { readyTimeoutMs: 20 });
    void h.start();
    await vi.waitFor(() => expect(children[0]!.killed).toBe(true));
    await vi.waitFor(() => expect(events.crashed).toHaveBeenCalledWith(expect.objectContaining({ lastError: expect.stringMatching(/did not report ready/) })));
  });

  it('stops on request with the mode, and that exit is not a crash', async () => {
    const events = { crashed: vi.fn() };
    const { h, children } = host(events);
    const started = h.start();
    children[0]!.ready();
    await started;
    const stopping = h.stop('detach');
    expect(children[0]!.posted).toEqual([{ type: 'shutdown', mode: 'detach' }]);
    children[0]!.emit('exit', 0);
    await stopping;
    expect(h.state).toBe('stopped');
    expect(events.crashed).not.toHaveBeenCalled();
  });

  it('kills a core that does not stop in time', async () => {
    const { h, children } = host({}, { stopTimeoutMs: 20 });
    const started = h.start();
    children[0]!.ready();
    await started;
    await h.stop('pause');
    expect(children[0]!.killed).toBe(true);
  });
});
