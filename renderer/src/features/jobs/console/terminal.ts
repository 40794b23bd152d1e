/**
 * The job console as a terminal (xterm.js): output is written once per animation frame however
 * many chunks arrive, lone `\n` starts a new line (convertEol) while `\r` progress bars overwrite
 * their line as in a terminal, 100,000 lines of scrollback, search with a match count, and "follow":
 * the view stays at the newest line until the user scrolls up, and follows again at the bottom.
 * The trainer's pseudo-terminal is 160 columns wide, so the terminal is never narrower (a narrower
 * one would wrap its progress bars and `\r` would redraw only their last row); it scrolls sideways.
 */
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import '@xterm/xterm/css/xterm.css';

export const PTY_COLS = 160;
export const SCROLLBACK = 100_000;
const FONT = 12;
const MIN_FONT = 10;

export interface SearchResult {
  /** 0-based; -1 when there are too many matches to number them. */
  index: number;
  count: number;
}

export interface ConsoleTerminalOptions {
  onFollowChange?: (following: boolean) => void;
  onSearchResults?: (r: SearchResult) => void;
  /** Called after a batch was written and parsed (benches and tests wait on it). */
  onWritten?: () => void;
}

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
const dark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

function theme(): ITheme {
  return {
    background: cssVar('--surface-2', '#f1f3f5'),
    foreground: cssVar('--text', '#1b1f24'),
    cursor: cssVar('--surface-2', '#f1f3f5'), // output only: no visible cursor
    cursorAccent: cssVar('--surface-2', '#f1f3f5'),
    selectionBackground: dark() ? '#3b4a7a' : '#c5d0ff',
  };
}

function searchDecorations(): NonNullable<ISearchOptions['decorations']> {
  return dark()
    ? { matchBackground: '#5c4b00', activeMatchBackground: '#b35c00', matchOverviewRuler: '#ffd166', activeMatchColorOverviewRuler: '#ff922b' }
    : { matchBackground: '#ffe8a3', activeMatchBackground: '#ffa94d', matchOverviewRuler: '#e6a700', activeMatchColorOverviewRuler: '#e8590c' };
}

export class ConsoleTerminal {
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly searcher = new SearchAddon({ highlightLimit: 2_000 });
  private pending: string[] = [];
  private frame = 0;
  private following = true;
  /** Set by dispose: a resize or frame already queued must not touch the terminal after it (xterm's
   * fit then reads a render service that is gone: "reading 'dimensions'" as a page error). */
  private disposed = false;
  private readonly resize: ResizeObserver;
  private readonly scheme = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly onScheme = () => (this.term.options.theme = theme());

  constructor(
    private readonly host: HTMLElement,
    private readonly o: ConsoleTerminalOptions = {},
  ) {
    this.term = new Terminal({
      convertEol: true,
      scrollback: SCROLLBACK,
      disableStdin: true,
      cursorBlink: false,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      allowProposedApi: true, // search decorations (match highlighting and count)
      fontFamily: cssVar('--mono', 'monospace'),
      fontSize: FONT,
      lineHeight: 1.2, // room for underscores at small sizes (they are clipped at 1.0)
      cols: PTY_COLS,
      rows: 24,
      theme: theme(),
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.searcher);
    this.term.open(host);
    this.fitNow();
    this.searcher.onDidChangeResults((r) => this.o.onSearchResults?.({ index: r.resultIndex, count: r.resultCount }));
    // The user scrolled away from the newest line: stop following; back at the bottom: follow again.
    this.term.onScroll(() => this.setFollowing(this.atBottom()));
    this.resize = new ResizeObserver(() => this.fitNow());
    this.resize.observe(host);
    this.scheme.addEventListener('change', this.onScheme);
  }

  /** Queues output; everything queued within one frame is written together. */
  write(text: string): void {
    if (!text) return;
    this.pending.push(text);
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  get isFollowing(): boolean {
    return this.following;
  }

  /** Follow the newest output (scrolls there now) or stay where the view is. */
  follow(on: boolean): void {
    if (on) this.term.scrollToBottom();
    this.setFollowing(on);
  }

  search(query: string, direction: 'next' | 'previous', incremental = false): boolean {
    if (!query) {
      this.clearSearch();
      return false;
    }
    const opts: ISearchOptions = { decorations: searchDecorations(), incremental };
    const found = direction === 'next' ? this.searcher.findNext(query, opts) : this.searcher.findPrevious(query, opts);
    if (found) this.setFollowing(this.atBottom());
    return found;
  }

  clearSearch(): void {
    this.searcher.clearDecorations();
    this.o.onSearchResults?.({ index: -1, count: 0 });
  }

  /** Lines as the terminal shows them (rows wrapped by the terminal joined, trailing blanks dropped). */
  text(): string[] {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) {
      const line = b.getLine(i);
      if (!line) continue;
      const s = line.translateToString(true);
      if (line.isWrapped && out.length) out[out.length - 1] += s;
      else out.push(s);
    }
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.frame);
    this.resize.disconnect();
    this.scheme.removeEventListener('change', this.onScheme);
    this.term.dispose();
  }

  private flush(): void {
    this.frame = 0;
    if (this.disposed) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.term.write(text, () => {
      if (this.disposed) return;
      if (this.following) this.term.scrollToBottom();
      this.o.onWritten?.();
    });
  }

  private atBottom(): boolean {
    const b = this.term.buffer.active;
    return b.viewportY >= b.baseY;
  }

  private setFollowing(on: boolean): void {
    if (this.following === on) return;
    this.following = on;
    this.o.onFollowChange?.(on);
  }

  private fitNow(): void {
    if (this.disposed || !this.host.clientWidth) return;
    let dims = this.fit.proposeDimensions();
    if (!dims || !Number.isFinite(dims.rows) || !Number.isFinite(dims.cols)) return;
    // Fit the trainer's 160 columns by a smaller font (down to MIN_FONT), then scroll sideways.
    const font = Math.max(MIN_FONT, Math.min(FONT, Math.floor(((this.term.options.fontSize ?? FONT) * dims.cols * 2) / PTY_COLS) / 2));
    if (font !== this.term.options.fontSize) {
      this.term.options.fontSize = font;
      dims = this.fit.proposeDimensions() ?? dims;
    }
    const cols = Math.max(PTY_COLS, dims.cols);
    const rows = Math.max(5, dims.rows);
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
  }
}
