import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATE, clampToDisplays, loadWindowState, saveWindowState, trackWindowState, type ScreenLike } from './window-state.js';

const dir = mkdtempSync(join(tmpdir(), 'hone-winstate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const oneScreen: ScreenLike = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1050 } }],
  getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1050 } }),
};
const twoScreens: ScreenLike = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1050 } }, { workArea: { x: 1920, y: 0, width: 1280, height: 1000 } }],
  getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1050 } }),
};

describe('window state', () => {
  it('round-trips through the file and falls back to defaults on a bad one', () => {
    const f = join(dir, 'a', 'window-state.json');
    expect(loadWindowState(f)).toEqual(DEFAULT_STATE);
    saveWindowState(f, { x: 10, y: 20, width: 900, height: 700, maximized: true });
    expect(loadWindowState(f)).toEqual({ x: 10, y: 20, width: 900, height: 700, maximized: true });
    writeFileSync(f, '{"width": "huge"');
    expect(loadWindowState(f)).toEqual(DEFAULT_STATE);
    writeFileSync(f, JSON.stringify({ width: 10, height: 10 }));
    expect(loadWindowState(f)).toEqual(DEFAULT_STATE);
  });

  it('keeps a visible position and pulls an overhanging window back inside its display', () => {
    expect(clampToDisplays({ x: 100, y: 50, width: 1200, height: 800, maximized: false }, oneScreen)).toEqual({ x: 100, y: 50, width: 1200, height: 800, maximized: false });
    expect(clampToDisplays({ x: 1500, y: 600, width: 1200, height: 800, maximized: false }, oneScreen)).toEqual({ x: 720, y: 250, width: 1200, height: 800, maximized: false });
  });

  it('drops the position on an unplugged monitor and fits the size to the display', () => {
    const onSecond = { x: 2000, y: 10, width: 2400, height: 1400, maximized: true };
    expect(clampToDisplays(onSecond, twoScreens)).toEqual({ x: 1920, y: 0, width: 1280, height: 1000, maximized: true });
    expect(clampToDisplays(onSecond, oneScreen)).toEqual({ width: 1920, height: 1050, maximized: true });
    // Only the bottom of the window on screen: its title bar is not, so it is centred instead.
    expect(clampToDisplays({ x: 100, y: -700, width: 800, height: 750, maximized: false }, oneScreen)).toEqual({ width: 800, height: 750, maximized: false });
  });

  it('saves the normal bounds when the window closes', () => {
    const f = join(dir, 'b.json');
    const win = Object.assign(new EventEmitter(), { getNormalBounds: () => ({ x: 5.4, y: 6, width: 1000, height: 700 }), isMaximized: () => true });
    trackWindowState(win, f);
    win.emit('close');
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ x: 5, y: 6, width: 1000, height: 700, maximized: true });
  });
});
