/**
 * The application menu as a pure function of the platform and the shell's actions (tested
 * without Electron), and the About text with every version a bug report needs.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  about(): void;
  openDataFolder(): void;
  openLogs(): void;
}

export function menuTemplate(platform: NodeJS.Platform, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About Hone', click: () => actions.about() };
  const folders: MenuItemConstructorOptions[] = [
    { label: 'Open Data Folder', click: () => actions.openDataFolder() },
    { label: 'Open Logs Folder', click: () => actions.openLogs() },
  ];
  const template: MenuItemConstructorOptions[] = [];
  if (mac) template.push({ label: 'Hone', submenu: [about, { type: 'separator' }, ...folders, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] });
  template.push(
    { label: 'File', submenu: mac ? [...folders, { type: 'separator' }, { role: 'close' }] : [...folders, { type: 'separator' }, { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
    { role: 'help', submenu: mac ? [...folders] : [about, { type: 'separator' }, ...folders] },
  );
  return template;
}

export interface Versions {
  hone: string;
  electron: string;
  node: string;
  chromium: string;
  /** From the core's `GET /v1/hone/system` python health; null when the core could not say. */
  python: string | null;
  torch: string | null;
  cuda: string | null;
}

export function aboutText(v: Versions): string {
  const unknown = (x: string | null, why: string) => x ?? why;
  return [
    `Hone ${v.hone}`,
    `Electron ${v.electron}`,
    `Node ${v.node}`,
    `Chromium ${v.chromium}`,
    `Python ${unknown(v.python, 'not found')}`,
    `torch ${unknown(v.torch, 'not installed')}`,
    `CUDA ${unknown(v.cuda, 'none (CPU or not detected)')}`,
  ].join('\n');
}

/**
 * torch's version string carries its build ("2.5.1+cu121" → CUDA 12.1); the core's python health
 * reports it as is. A CPU or ROCm build has no CUDA.
 */
export function cudaFromTorch(torch: string | null): string | null {
  const m = torch ? /\+cu(\d+)(\d)$/.exec(torch) : null;
  return m ? `${m[1]}.${m[2]}` : null;
}
