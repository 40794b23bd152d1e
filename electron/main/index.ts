/**
 * Electron main process: a thin shell around the core. It starts the same server the headless
 * CLI runs (in this process for now; the core never imports Electron, so moving it into a
 * utilityProcess later is a small change), then opens a window on the UI it serves.
 */
import { app, BrowserWindow, ipcMain, shell, session } from 'electron';
import { join } from 'node:path';
import { resolveConfig } from '../core/config.js';
import { startServer, type RunningServer } from '../core/server/start.js';
import { secureWindowOptions, isAllowedNavigation } from './window-security.js';

let server: RunningServer | null = null;

async function createWindow(): Promise<void> {
  const cfg = resolveConfig(['--data-dir', join(app.getPath('userData'), 'data')]);
  server = await startServer(cfg);
  const win = new BrowserWindow(secureWindowOptions(join(__dirname, '../preload/index.cjs')));
  // Links open in the user's browser; the window itself never navigates away from the app.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://') || url.startsWith('http://127.0.0.1')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, server!.url)) e.preventDefault();
  });
  // The key travels in the URL fragment, which never reaches the server's logs or a Referer.
  await win.loadURL(`${server.url}/app/#token=${encodeURIComponent(server.apiKey?.key ?? '')}`);
}

/** IPC for native features only; every handler checks the sender is our window and validates input. */
function registerIpc(): void {
  const fromApp = (e: Electron.IpcMainInvokeEvent) => BrowserWindow.fromWebContents(e.sender) !== null && isAllowedNavigation(e.senderFrame?.url ?? '', server?.url ?? '');
  ipcMain.handle('hone:open-external', async (e, url: unknown) => {
    if (!fromApp(e) || typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error('refused');
    await shell.openExternal(url);
  });
  ipcMain.handle('hone:reveal-job', async (e, jobId: unknown) => {
    if (!fromApp(e) || typeof jobId !== 'string' || !/^ftjob-[A-Za-z0-9]+$/.test(jobId) || !server) throw new Error('refused');
    shell.showItemInFolder(server.core.jobs.jobDir(jobId));
  });
}

void app.whenReady().then(async () => {
  registerIpc();
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  await createWindow();
});

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (e) => {
  if (!server) return;
  e.preventDefault();
  const s = server;
  server = null;
  // Running trainers checkpoint and stop; they are queued again on the next start.
  void s.close().finally(() => app.quit());
});
