/**
 * Electron main process: a thin shell around the core. The core runs in a utilityProcess
 * (core-host.ts), never here and never in a window; this file only wires Electron's APIs into
 * the small modules beside it (each tested under plain Node with those APIs injected). It is the
 * only file that imports 'electron'.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, screen, session, shell, Tray, utilityProcess } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemStatus } from '../shared/schemas/system.js';
import type { QueueSummary } from '../shared/schemas/desktop.js';
import { CoreHost } from './core-host.js';
import { enforceAppCsp } from './csp.js';
import { openInBrowser } from './external-links.js';
import { registerIpc } from './ipc.js';
import { availablePort, launchOverrides } from './launch-options.js';
import { openLogFile } from './log-file.js';
import { aboutText, cudaFromTorch, menuTemplate } from './menu-template.js';
import { showJobNotice } from './notifications.js';
import { initialQuitState, quitDialog, quitStep, type QuitEvent, type QuitState } from './quit-flow.js';
import { claimSingleInstance, showWindow } from './single-instance.js';
import { trayModel, type TrayItem } from './tray-model.js';
import { clampToDisplays, loadWindowState, trackWindowState } from './window-state.js';
import { createSecureWindow, guardWebContents, hardenSession } from './window-security.js';

const here = fileURLToPath(new URL('.', import.meta.url)); // out/main
const overrides = launchOverrides(process.argv, app.isPackaged);
if (overrides.userData) app.setPath('userData', overrides.userData);
// Packaged: trainer/ and resources/ are extraResources, the renderer sits in the asar (app path).
// From a checkout the core finds them itself (electron/core/paths.ts walks up to package.json).
const resourcesRoot = app.isPackaged ? process.resourcesPath : join(here, '..', '..');
const iconsDir = join(resourcesRoot, 'resources', 'icons');
const logsDir = app.getPath('logs');
const log = openLogFile(logsDir, 'main.log');
const coreLog = openLogFile(logsDir, 'core.log');

let win: BrowserWindow | null = null;
/** Set before the first fork (availablePort); a restart reuses the port the core got. */
let firstPort = 8017;
let tray: Tray | null = null;
let quit: QuitState = initialQuitState;
/** Set right before a close the quit flow already decided on, so the window's handler lets it go. */
let allowClose = false;

const host = new CoreHost({
  fork: (modulePath, args) => utilityProcess.fork(modulePath, args, { stdio: 'pipe', serviceName: 'Hone core' }),
  modulePath: join(here, 'core.js'),
  args: (port) => [
    '--data-dir',
    join(app.getPath('userData'), 'data'),
    '--port',
    String(port ?? firstPort),
    ...(app.isPackaged ? ['--packaged', '--resources-dir', process.resourcesPath, '--renderer-dir', join(app.getAppPath(), 'out', 'renderer')] : []),
  ],
  events: {
    log: (text) => coreLog.write(text),
    queue: (s) => updateTray(s),
    jobEnded: (j) =>
      showJobNotice(j, {
        create: (o) => new Notification({ ...o, icon: join(iconsDir, 'icon.png') }),
        isSupported: () => Notification.isSupported(),
        openRoute: (route) => void openWindow(route),
      }),
    ready: (r, restarted) => {
      log.line(`core ready at ${r.url}${restarted ? ' (restarted)' : ''}`);
      if (!restarted || !win || win.isDestroyed()) return;
      void win.loadURL(`${r.url}/app/`);
      // The restarted core re-attaches trainers that outlived the old one (recover()); any it could
      // not are queued again from their last checkpoint — the job's events say which.
      void dialog.showMessageBox(win, {
        type: 'warning',
        message: 'The Hone core stopped unexpectedly and was restarted; running trainers kept running.',
        detail: `A trainer that could not be re-attached was queued again and continues from its last checkpoint (its job's events say so). The core's log is in ${logsDir}.`,
      });
    },
    crashed: (c) => log.line(`core exited (code ${c.code}, crash ${c.crashes}); restarting in ${c.delayMs} ms`),
    gaveUp: (g) => {
      log.line(`core gave up after ${g.crashes} crashes: ${g.lastError ?? ''}`);
      dialog.showErrorBox('Hone cannot start its core', `${g.lastError ?? 'The core exited repeatedly.'}\n\nThe logs are in ${logsDir}.`);
      app.exit(1);
    },
  },
});

function updateTray(s: QueueSummary | null): void {
  if (!tray) return;
  const model = trayModel(s);
  tray.setToolTip(model.tooltip);
  const toItem = (i: TrayItem): Electron.MenuItemConstructorOptions =>
    i.type === 'separator'
      ? { type: 'separator' }
      : {
          label: i.label,
          enabled: i.enabled,
          click: () => {
            if (i.action?.kind === 'open') void openWindow();
            else if (i.action?.kind === 'open-job') void openWindow(`#/jobs/${i.action.id}`);
            else if (i.action?.kind === 'quit') app.quit();
          },
        };
  tray.setContextMenu(Menu.buildFromTemplate(model.items.map(toItem)));
}

async function createWindow(): Promise<BrowserWindow> {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = clampToDisplays(loadWindowState(stateFile), screen);
  const w = createSecureWindow(BrowserWindow, join(here, '..', 'preload', 'index.cjs'), {
    ...(state.x !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    show: false,
    icon: join(iconsDir, 'icon.png'),
  });
  if (state.maximized) w.maximize();
  trackWindowState(w, stateFile);
  guardWebContents(w.webContents, { appOrigin: () => host.current?.url ?? 'about:blank', openInBrowser: (url) => void openInBrowser(shell, url).catch(() => undefined) });
  w.on('close', (e) => {
    if (allowClose) {
      allowClose = false;
      return;
    }
    if (dispatch({ type: 'last-window-closing', running: host.summary?.running ?? 0 })) e.preventDefault();
  });
  w.on('closed', () => {
    allowClose = false;
    if (win === w) win = null;
  });
  w.once('ready-to-show', () => w.show());
  // No key in the URL: the preload asks main for it (hone:session).
  await w.loadURL(`${host.current!.url}/app/`);
  return w;
}

async function openWindow(route?: string): Promise<void> {
  if (!host.current) return;
  win = await showWindow(win, createWindow);
  dispatch({ type: 'window-opened' });
  if (route) await win.loadURL(`${host.current.url}/app/${route}`);
}

/** Runs the quit flow's effects; returns whether the triggering event must be prevented. */
function dispatch(event: QuitEvent): boolean {
  const step = quitStep(quit, event);
  quit = step.state;
  for (const effect of step.effects) {
    if (effect.type === 'ask') {
      const d = quitDialog(effect.running);
      const opts = { type: 'question' as const, title: 'Quit Hone', message: d.message, detail: d.detail, buttons: d.buttons, defaultId: d.defaultId, cancelId: d.cancelId };
      void (win && !win.isDestroyed() ? dialog.showMessageBox(win, opts) : dialog.showMessageBox(opts)).then((r) => dispatch({ type: 'choice', choice: d.choices[r.response] ?? 'cancel' }));
    } else if (effect.type === 'close-windows' || effect.type === 'allow-close') {
      // The main window's close handler consumes allowClose; the others (MLflow) have none.
      for (const w of BrowserWindow.getAllWindows()) if (w !== win) w.close();
      if (win && !win.isDestroyed()) {
        allowClose = true;
        win.close();
      }
    } else if (effect.type === 'stop-core') {
      log.line('stopping the core (pause)');
      void host.stop(effect.mode).then(() => dispatch({ type: 'core-stopped' }));
    } else if (effect.type === 'exit') {
      tray?.destroy();
      app.exit(0);
    }
  }
  return step.prevent;
}

async function showAbout(): Promise<void> {
  let python: string | null = null;
  let torch: string | null = null;
  const c = host.current;
  if (c) {
    try {
      const res = await fetch(`${c.url}/v1/hone/system`, { headers: c.key ? { authorization: `Bearer ${c.key}` } : {}, signal: AbortSignal.timeout(5_000) });
      const s = SystemStatus.safeParse(await res.json());
      if (s.success) ({ version: python, torch } = s.data.python);
    } catch {
      /* shown as unknown */
    }
  }
  const detail = aboutText({ hone: app.getVersion(), electron: process.versions.electron, node: process.versions.node, chromium: process.versions.chrome, python, torch, cuda: cudaFromTorch(torch) });
  await dialog.showMessageBox({ title: 'About Hone', message: 'Hone', detail, icon: nativeImage.createFromPath(join(iconsDir, 'icon.png')) });
}

async function main(): Promise<void> {
  await app.whenReady();
  log.line(`Hone ${app.getVersion()} (Electron ${process.versions.electron}) starting`);
  hardenSession(session.defaultSession);
  enforceAppCsp(session.defaultSession.webRequest, () => host.current?.url ?? null);
  app.on('web-contents-created', (_e, wc) => wc.on('will-attach-webview', (ev) => ev.preventDefault()));
  registerIpc(ipcMain, {
    appOrigin: () => host.current?.url ?? null,
    isOurWindow: (sender) => win !== null && !win.isDestroyed() && sender === win.webContents,
    apiKey: () => host.current?.key ?? null,
    openInBrowser: (url) => openInBrowser(shell, url),
    revealJob: (id) => {
      if (host.current) shell.showItemInFolder(join(host.current.dataDir, 'jobs', id));
    },
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform, {
        about: () => void showAbout(),
        openDataFolder: () => void (host.current && shell.openPath(host.current.dataDir)),
        openLogs: () => void shell.openPath(logsDir),
      }),
    ),
  );
  tray = new Tray(nativeImage.createFromPath(join(iconsDir, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png')));
  tray.on('click', () => void openWindow());
  updateTray(null);
  firstPort = overrides.port ?? (await availablePort(8017));
  try {
    await host.start();
  } catch {
    return; // gaveUp already told the user and exits
  }
  await openWindow();
}

if (claimSingleInstance(app, () => void openWindow())) {
  // The quit flow decides (it may keep running in the tray); Electron's default would quit here.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (e) => {
    if (dispatch({ type: 'quit-requested', running: host.summary?.running ?? 0 })) e.preventDefault();
  });
  app.on('activate', () => void openWindow());
  main().catch((err: unknown) => {
    log.line(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    dialog.showErrorBox('Hone could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
