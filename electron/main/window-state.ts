/**
 * The main window's size, position and maximized state, kept in userData/window-state.json
 * (zod-validated: a hand-edited or truncated file means the defaults) and clamped to the displays
 * that exist now, so a window last shown on an unplugged monitor opens on a visible one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WindowState } from '../shared/schemas/desktop.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of Electron's `screen` this needs. */
export interface ScreenLike {
  getAllDisplays(): Array<{ workArea: Rect }>;
  getPrimaryDisplay(): { workArea: Rect };
}

export const DEFAULT_STATE: WindowState = { width: 1280, height: 820, maximized: false };
/** At least this much of the title bar must be on a display for the saved position to count. */
const MIN_VISIBLE = { width: 120, height: 40 };

export function loadWindowState(file: string): WindowState {
  try {
    const parsed = WindowState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_STATE;
  } catch {
    return DEFAULT_STATE;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(WindowState.parse(state)));
  renameSync(tmp, file);
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Fits the state to the current displays: the size to the display it is (mostly) on, and a
 * position whose title bar is not visible anywhere is dropped (the window is then centred).
 */
export function clampToDisplays(state: WindowState, screen: ScreenLike): WindowState {
  const areas = screen.getAllDisplays().map((d) => d.workArea);
  const primary = screen.getPrimaryDisplay().workArea;
  let home = primary;
  let placed = false;
  if (state.x !== undefined && state.y !== undefined) {
    const titleBar = { x: state.x, y: state.y, width: state.width, height: MIN_VISIBLE.height };
    const hit = areas.find((a) => {
      const o = overlap(titleBar, a);
      return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height / 2;
    });
    if (hit) {
      home = hit;
      placed = true;
    }
  }
  const width = Math.min(state.width, home.width);
  const height = Math.min(state.height, home.height);
  if (!placed) return { width, height, maximized: state.maximized };
  // Pull the window back inside its display where it hangs over an edge.
  const x = Math.min(Math.max(state.x!, home.x), home.x + home.width - width);
  const y = Math.min(Math.max(state.y!, home.y), home.y + home.height - height);
  return { x, y, width, height, maximized: state.maximized };
}

/** The part of a BrowserWindow this needs. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  on(event: 'resize' | 'move' | 'close' | 'maximize' | 'unmaximize', fn: () => void): unknown;
}

/** Saves the state shortly after the window moves or resizes, and at once when it closes. */
export function trackWindowState(win: TrackedWindow, file: string, delayMs = 500): void {
  let timer: NodeJS.Timeout | null = null;
  const save = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      const b = win.getNormalBounds();
      saveWindowState(file, { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height), maximized: win.isMaximized() });
    } catch {
      /* a size outside the schema's range or a read-only disk: keep the previous file */
    }
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, delayMs);
  };
  for (const ev of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(ev, later);
  win.on('close', save);
}
