import { describe, expect, it, vi } from 'vitest';
import { claimSingleInstance, showWindow, type ShowableWindow } from './single-instance.js';

function fakeWindow(o: { destroyed?: boolean; minimized?: boolean } = {}) {
  return { isDestroyed: () => o.destroyed ?? false, isMinimized: () => o.minimized ?? false, restore: vi.fn(), show: vi.fn(), focus: vi.fn() } satisfies ShowableWindow;
}

describe('single instance', () => {
  it('a second launch quits and the first one hears of it', () => {
    const handlers: Array<() => void> = [];
    let locked = false;
    const mk = () => ({ requestSingleInstanceLock: () => (locked ? false : (locked = true)), on: (_e: 'second-instance', fn: () => void) => handlers.push(fn), quit: vi.fn() });
    const first = mk();
    const second = mk();
    const onSecond = vi.fn();
    expect(claimSingleInstance(first, onSecond)).toBe(true);
    expect(claimSingleInstance(second, vi.fn())).toBe(false);
    expect(second.quit).toHaveBeenCalled();
    expect(first.quit).not.toHaveBeenCalled();
    handlers[0]!();
    expect(onSecond).toHaveBeenCalledTimes(1);
  });

  it('restores and focuses a minimised window', async () => {
    const w = fakeWindow({ minimized: true });
    const create = vi.fn();
    expect(await showWindow(w, create)).toBe(w);
    expect(w.restore).toHaveBeenCalled();
    expect(w.focus).toHaveBeenCalled();
    expect(create).not.toHaveBeenCalled();
  });

  it('reopens the window when it was closed to the tray', async () => {
    const fresh = fakeWindow();
    for (const gone of [null, fakeWindow({ destroyed: true })]) {
      const create = vi.fn(async () => fresh);
      expect(await showWindow(gone, create)).toBe(fresh);
      expect(create).toHaveBeenCalledTimes(1);
    }
    expect(fresh.show).toHaveBeenCalled();
  });
});
