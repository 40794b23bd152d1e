/**
 * index.ts's wiring with a fake 'electron' module (vi.mock: the real one is never loaded): the
 * core is forked with its paths on argv, the window loads /app/ with no key in the URL, IPC hands
 * the key only to our window, the tray follows the queue, a job end notifies and opens its page,
 * and quitting while a job trains asks, then pauses the core and exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EventEmitter: EE } = require('node:events') as typeof import('node:events');
  const paths = new Map<string, string>();
  const appEvents = new EE();
  const windows: FakeWindow[] = [];
  class FakeWindow extends EE {
    loaded: string[] = [];
    destroyed = false;
    webContents = Object.assign(new EE(), { setWindowOpenHandler: () => undefined });
    constructor(readonly opts: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    static getAllWindows = () => windows.filter((w) => !w.destroyed);
    loadURL = async (u: string) => void this.loaded.push(u);
    show = () => undefined;
    focus = () => undefined;
    restore = () => undefined;
    maximize = () => undefined;
    isMinimized = () => false;
    isMaximized = () => false;
    isDestroyed = () => this.destroyed;
    getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 820 });
    close = () => {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (!prevented) {
        this.destroyed = true;
        this.emit('closed');
      }
    };
  }
  class FakeChild extends EE {
    posted: unknown[] = [];
    stdout = null;
    stderr = null;
    postMessage = (m: unknown) => void this.posted.push(m);
    kill = () => true;
  }
  const children: Array<{ child: FakeChild; path: string; args: string[] }> = [];
  const handlers = new Map<string, (e: unknown, ...a: unknown[]) => unknown>();
  const notifications: Array<{ opts: unknown; click?: () => void }> = [];
  const tray = { tooltip: '', on: () => undefined, setToolTip: (t: string) => (tray.tooltip = t), setContextMenu: () => undefined, destroy: () => undefined };
  const dialogAnswers: number[] = [];
  const mod = {
    app: Object.assign(appEvents, {
      isPackaged: false,
      getPath: (n: string) => paths.get(n) ?? join(paths.get('userData') ?? '/nonexistent', n),
      setPath: (n: string, p: string) => void paths.set(n, p),
      getVersion: () => '0.1.0',
      getAppPath: () => '/app',
      whenReady: () => Promise.resolve(),
      requestSingleInstanceLock: () => true,
      quit: vi.fn(),
      exit: vi.fn(),
    }),
    BrowserWindow: FakeWindow,
    utilityProcess: {
      fork: (path: string, args: string[]) => {
        const child = new FakeChild();
        children.push({ child, path, args });
        return child;
      },
    },
    ipcMain: { handle: (c: string, fn: (e: unknown, ...a: unknown[]) => unknown) => void handlers.set(c, fn) },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), webRequest: { onHeadersReceived: vi.fn() } } },
    shell: { openExternal: vi.fn(), openPath: vi.fn(), showItemInFolder: vi.fn() },
    dialog: {
      showMessageBox: vi.fn(async () => ({ response: dialogAnswers.shift() ?? 2 })),
      showErrorBox: vi.fn(),
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: vi.fn() },
    Tray: function Tray() {
      return tray;
    },
    nativeImage: { createFromPath: (p: string) => p },
    Notification: Object.assign(
      function Notification(opts: unknown) {
        const n: { opts: unknown; click?: () => void; on: (e: string, fn: () => void) => void; show: () => void } = { opts, on: (_e, fn) => (n.click = fn), show: () => undefined };
        notifications.push(n);
        return n;
      },
      { isSupported: () => true },
    ),
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }], getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }) },
  };
  return { mod, windows, children, handlers, notifications, tray, dialogAnswers };
});

vi.mock('electron', () => fake.mod);

const profile = mkdtempSync(join(tmpdir(), 'hone-wiring-'));
afterAll(() => rmSync(profile, { recursive: true, force: true }));
const URL_ = 'http://127.0.0.1:45678';

describe('main process wiring', () => {
  it('runs the whole shell against the fake Electron', async () => {
    process.argv.push(`--hone-user-data=${profile}`, '--hone-port=0');
    await import('./index.js');
    await vi.waitFor(() => expect(fake.children).toHaveLength(1));
    const { child, path, args } = fake.children[0]!;
    expect(path).toMatch(/core\.js$/);
    expect(args).toEqual(['--data-dir', join(profile, 'data'), '--port', '0']);
    expect(fake.mod.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();
    expect(fake.mod.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalled();

    child.emit('message', { type: 'ready', url: URL_, key: 'sk-hone-k', dataDir: join(profile, 'data') });
    await vi.waitFor(() => expect(fake.windows[0]?.loaded).toEqual([`${URL_}/app/`]));
    const win = fake.windows[0]!;
    expect((win.opts.webPreferences as Record<string, unknown>).sandbox).toBe(true);

    const session = fake.handlers.get('hone:session')!;
    expect(await session({ sender: win.webContents, senderFrame: { url: `${URL_}/app/` } })).toEqual({ key: 'sk-hone-k' });
    expect(() => session({ sender: {}, senderFrame: { url: `${URL_}/app/` } })).toThrow(/refused/);

    child.emit('message', { type: 'queue', summary: { running: 1, queued: 2, items: [{ id: 'ftjob-a', model: 'm', status: 'running', progress: 0.5 }] } });
    expect(fake.tray.tooltip).toBe('Hone — 1 running · 2 queued');

    child.emit('message', { type: 'job-ended', job: { id: 'ftjob-a', kind: 'job', model: 'm', status: 'failed', fine_tuned_model: null } });
    expect(fake.notifications).toHaveLength(1);
    fake.notifications[0]!.click!();
    await vi.waitFor(() => expect(win.loaded.at(-1)).toBe(`${URL_}/app/#/jobs/ftjob-a`));

    // Quit while a job trains: asked; "Pause and quit" (button 1) stops the core with pause, then exits.
    fake.dialogAnswers.push(1);
    const quitEvent = { preventDefault: vi.fn() };
    fake.mod.app.emit('before-quit', quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    expect(fake.mod.dialog.showMessageBox).toHaveBeenCalledWith(win, expect.objectContaining({ message: '1 job is training' }));
    await vi.waitFor(() => expect(child.posted).toEqual([{ type: 'shutdown', mode: 'pause' }]));
    expect(fake.mod.app.exit).not.toHaveBeenCalled();
    child.emit('exit', 0);
    await vi.waitFor(() => expect(fake.mod.app.exit).toHaveBeenCalledWith(0));
  });
});

