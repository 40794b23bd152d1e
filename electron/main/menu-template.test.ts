import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { aboutText, cudaFromTorch, menuTemplate } from './menu-template.js';

const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);

describe('application menu', () => {
  it('has About, Open Data Folder, Logs and the standard roles, wired to the actions', () => {
    const actions = { about: vi.fn(), openDataFolder: vi.fn(), openLogs: vi.fn() };
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const items = flat(menuTemplate(platform, actions));
      const byLabel = (l: string) => items.find((i) => i.label === l);
      (byLabel('About Hone')!.click as () => void)();
      (byLabel('Open Data Folder')!.click as () => void)();
      (byLabel('Open Logs Folder')!.click as () => void)();
      const roles = items.map((i) => i.role).filter(Boolean);
      expect(roles).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'reload', 'togglefullscreen']));
      expect(roles).toContain(platform === 'darwin' ? 'hideOthers' : 'quit');
    }
    expect(actions.about).toHaveBeenCalledTimes(3);
    expect(actions.openDataFolder).toHaveBeenCalledTimes(3);
    expect(actions.openLogs).toHaveBeenCalledTimes(3);
    expect(menuTemplate('darwin', actions)[0]!.label).toBe('Hone');
  });

  it('lists every version in About, and says what is missing', () => {
    const text = aboutText({ hone: '0.1.0', electron: '45.5.0', node: '22.20.0', chromium: '142.0', python: '3.11.2', torch: '2.5.1+cu121', cuda: '12.1' });
    expect(text.split('\n')).toEqual(['Hone 0.1.0', 'Electron 45.5.0', 'Node 22.20.0', 'Chromium 142.0', 'Python 3.11.2', 'torch 2.5.1+cu121', 'CUDA 12.1']);
    expect(aboutText({ hone: '0.1.0', electron: '1', node: '1', chromium: '1', python: null, torch: null, cuda: null })).toMatch(/Python not found\ntorch not installed\nCUDA none/);
  });

  it('reads the CUDA version from a torch build tag', () => {
    expect(cudaFromTorch('2.5.1+cu121')).toBe('12.1');
    expect(cudaFromTorch('2.8.0+cu128')).toBe('12.8');
    expect(cudaFromTorch('2.13.0+cpu')).toBeNull();
    expect(cudaFromTorch('2.4.0+rocm6.1')).toBeNull();
    expect(cudaFromTorch(null)).toBeNull();
  });
});
