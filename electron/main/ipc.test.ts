import { describe, expect, it, vi } from 'vitest';
import { IPC, registerIpc, senderAllowed, type InvokeEventLike } from './ipc.js';

const ourWindow = { id: 1 };
const strangerWindow = { id: 2 };

function setup() {
  const handlers = new Map<string, (e: InvokeEventLike, ...a: unknown[]) => unknown>();
  const deps = {
    appOrigin: () => 'http://127.0.0.1:8017',
    isOurWindow: (s: unknown) => s === ourWindow,
    apiKey: () => 'sk-hone-secret',
    openInBrowser: vi.fn(async () => undefined),
    revealJob: vi.fn(),
  };
  registerIpc({ handle: (c, fn) => handlers.set(c, fn) }, deps);
  const call = (channel: string, e: InvokeEventLike, ...args: unknown[]) => Promise.resolve().then(() => handlers.get(channel)!(e, ...args));
  return { handlers, deps, call };
}

const good: InvokeEventLike = { sender: ourWindow, senderFrame: { url: 'http://127.0.0.1:8017/app/#/overview' } };

describe('IPC handlers', () => {
  it('registers the three native features', () => {
    expect([...setup().handlers.keys()].sort()).toEqual([IPC.openExternal, IPC.revealJob, IPC.session].sort());
  });

  it('refuses a wrong sender: another origin, a foreign webContents, no frame, core not up', async () => {
    const { call, deps } = setup();
    const bad: InvokeEventLike[] = [
      { sender: ourWindow, senderFrame: { url: 'https://evil.example/' } },
      { sender: ourWindow, senderFrame: { url: 'http://127.0.0.1:8017.evil.example/' } },
      { sender: ourWindow, senderFrame: { url: 'http://127.0.0.1:9999/app/' } },
      { sender: strangerWindow, senderFrame: { url: 'http://127.0.0.1:8017/app/' } },
      { sender: ourWindow, senderFrame: null },
    ];
    for (const e of bad) {
      await expect(call(IPC.session, e)).rejects.toThrow(/refused/);
      await expect(call(IPC.openExternal, e, 'https://example.com/')).rejects.toThrow(/refused/);
    }
    expect(senderAllowed(good, { appOrigin: () => null, isOurWindow: () => true })).toBe(false);
    expect(deps.openInBrowser).not.toHaveBeenCalled();
  });

  it('refuses bad payloads', async () => {
    const { call, deps } = setup();
    await expect(call(IPC.openExternal, good, 'file:///etc/passwd')).rejects.toThrow(/only http\(s\)/);
    await expect(call(IPC.openExternal, good, 42)).rejects.toThrow(/invalid arguments/);
    await expect(call(IPC.openExternal, good)).rejects.toThrow(/invalid arguments/);
    await expect(call(IPC.revealJob, good, '../../etc')).rejects.toThrow(/not a job id/);
    await expect(call(IPC.session, good, 'extra')).rejects.toThrow(/invalid arguments/);
    expect(deps.openInBrowser).not.toHaveBeenCalled();
    expect(deps.revealJob).not.toHaveBeenCalled();
  });

  it('serves good calls from our window', async () => {
    const { call, deps } = setup();
    expect(await call(IPC.session, good)).toEqual({ key: 'sk-hone-secret' });
    await call(IPC.openExternal, good, 'https://huggingface.co/HuggingFaceTB');
    expect(deps.openInBrowser).toHaveBeenCalledWith('https://huggingface.co/HuggingFaceTB');
    await call(IPC.revealJob, good, 'ftjob-abc123');
    expect(deps.revealJob).toHaveBeenCalledWith('ftjob-abc123');
  });
});
