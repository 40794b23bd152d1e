/**
 * One Hone per user: a second launch hands over to the first, which shows its window — restoring
 * a minimised one, or opening it again when it was closed to the tray ("keep training in the
 * background"). The second process quits at once.
 */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', fn: () => void): unknown;
  quit(): void;
}

export interface ShowableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Shows the window, creating it when there is none; returns the one shown. */
export async function showWindow<W extends ShowableWindow>(current: W | null, create: () => Promise<W>): Promise<W> {
  const win = current && !current.isDestroyed() ? current : await create();
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  return win;
}

/** false: another instance has the lock (this one is quitting). */
export function claimSingleInstance(app: SingleInstanceApp, onSecondLaunch: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', onSecondLaunch);
  return true;
}
