/**
 * The job console (renderer/src/features/jobs/console/terminal.ts, xterm.js) with 100,000 lines,
 * in Debian's Chromium: time to render a replay of 100,000 trainer lines (dict logs and `\r`
 * progress bars, delivered in the server's 256 KB chunks), the longest main-thread task while it
 * runs, the JS heap it holds, and input latency (keydown → next frame in a text box on the same
 * page) while the console follows 10,000 more lines a second. Baselines from the same run: the
 * same text appended to a <pre>, and typing with nothing streaming.
 *
 *   npx tsx bench/ui/console.ts [lines]
 */
import { chromium } from '@playwright/test';
import { modulePage, median, quantile } from './module-page.js';

const LINES = Number(process.argv[2] ?? 100_000);

const ENTRY = `
import { ConsoleTerminal } from '@/features/jobs/console/terminal';
(window as any).ConsoleTerminal = ConsoleTerminal;
`;
const BODY = `<input id="box" aria-label="type here" style="margin:8px;width:300px">
<div id="host" style="width:1090px;height:420px;overflow-x:auto"></div>
<pre id="pre" style="width:1090px;height:420px;overflow:auto;margin:0;font:12px monospace"></pre>`;

/** Runs in the page (a string: tsx would wrap inner functions in a helper the page lacks). */
const SETUP = `
window.makeChunks = (from, lines, chunkBytes) => {
  let s = '';
  const chunks = [];
  for (let i = from; i < from + lines; i++) {
    if (i % 50 === 0) {
      for (let k = 1; k <= 5; k++) s += '\\r' + ' ' + String(k * 20).padStart(3) + '%|' + '\\u2588'.repeat(k * 20) + ' '.repeat(100 - k * 20) + '| ' + k + '/5 [00:0' + k + '<00:00, 9.8it/s]';
      s += '\\r\\n';
    } else {
      s += "{'loss': '" + (6.7 - i / 1e5).toFixed(4) + "', 'grad_norm': '1.8" + (i % 10) + "', 'learning_rate': '0.0001" + (i % 97) + "', 'epoch': '" + (i / 1000).toFixed(3) + "', 'num_input_tokens_seen': " + i * 52 + "}\\r\\n";
    }
    if (s.length >= chunkBytes) { chunks.push(s); s = ''; }
  }
  if (s) chunks.push(s);
  return chunks;
};
window.longest = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.longest = Math.max(window.longest, e.duration); }).observe({ type: 'longtask', buffered: false });
window.frames = (n) => new Promise((r) => { const f = () => (--n <= 0 ? r() : requestAnimationFrame(f)); requestAnimationFrame(f); });
window.latencies = [];
document.getElementById('box').addEventListener('keydown', (e) => {
  const t = e.timeStamp;
  requestAnimationFrame(() => window.latencies.push(performance.now() - t));
});
`;

async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const { page, close } = await modulePage(browser, ENTRY, BODY);
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // JS objects plus ArrayBuffer backing stores (xterm keeps its lines in typed arrays).
    const heapMiB = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      return (h.usedSize + (h.backingStorageSize ?? 0)) / 2 ** 20;
    };
    await page.waitForFunction('window.ConsoleTerminal');
    await page.evaluate(SETUP);
    const bytes = (await page.evaluate(`(() => { window.chunks = window.makeChunks(0, ${LINES}, 256 * 1024); return window.chunks.reduce((n, c) => n + c.length, 0); })()`)) as number;

    // Baseline: the same chunks appended to a <pre>, until laid out and painted.
    const pre = (await page.evaluate(`(async () => {
      window.longest = 0;
      const pre = document.getElementById('pre');
      const t0 = performance.now();
      for (const c of window.chunks) pre.append(document.createTextNode(c));
      pre.scrollTop = pre.scrollHeight;
      void pre.offsetHeight;
      await window.frames(2);
      const ms = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 200)); // long-task entries arrive after the fact
      return { ms, longest: window.longest };
    })()`)) as { ms: number; longest: number };
    const heap0 = await heapMiB();

    // The console: a replay of the whole text as the server streams it (one write per 256 KB event).
    const term = (await page.evaluate(`(async () => {
      window.longest = 0;
      const host = document.getElementById('host');
      window.term = new window.ConsoleTerminal(host, {});
      const t0 = performance.now();
      // Events reach the page as separate tasks; the terminal batches them per frame.
      for (const c of window.chunks) { window.term.write(c); await new Promise((r) => setTimeout(r, 0)); }
      await window.frames(1); // the last batch is handed to xterm
      await new Promise((r) => window.term.term.write('\x1b[0m', r)); // parsed: xterm calls back in order
      await window.frames(2);
      const ms = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 200));
      return { ms, longest: window.longest, lines: window.term.text().length, cols: window.term.term.cols };
    })()`)) as { ms: number; longest: number; lines: number; cols: number };
    const heapTerm = await heapMiB();

    // Input latency: typing while nothing streams (baseline), while the <pre> follows, while the console follows.
    const typing = async (stream: 'none' | 'pre' | 'term') => {
      await page.evaluate(`(() => {
        window.latencies = [];
        window.streaming = ${stream === 'none' ? 'false' : 'true'};
        if (!window.streaming) return;
        let i = ${LINES};
        const tick = () => {
          if (!window.streaming) return;
          for (const c of window.makeChunks(i, 500, 1e9)) ${stream === 'pre' ? "{ const pre = document.getElementById('pre'); pre.append(document.createTextNode(c)); pre.scrollTop = pre.scrollHeight; }" : 'window.term.write(c);'}
          i += 500;
          setTimeout(tick, 50); // 10,000 lines a second
        };
        tick();
      })()`);
      await page.locator('#box').fill('');
      await page.locator('#box').pressSequentially('the quick brown fox jumps over the lazy dog', { delay: 60 });
      await page.evaluate('window.streaming = false');
      await page.waitForTimeout(300);
      return (await page.evaluate('window.latencies')) as number[];
    };
    const idle = await typing('none');
    const whilePre = await typing('pre');
    const whileTerm = await typing('term');
    const stat = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} keys)`;

    console.log('\n| measure | console (xterm.js) | baseline (same run) | ratio |\n|---|---|---|---|');
    console.log(`| text | ${LINES.toLocaleString('en-US')} lines, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${Math.ceil(bytes / 262144)} chunks of 256 KB; terminal ${term.cols} columns, ${term.lines.toLocaleString('en-US')} lines held | | |`);
    console.log(`| time to render the replay | ${term.ms.toFixed(0)} ms | <pre> with the same text: ${pre.ms.toFixed(0)} ms | ${(term.ms / pre.ms).toFixed(2)}× |`);
    console.log(`| longest main-thread task during it | ${term.longest.toFixed(0)} ms | <pre>: ${pre.longest.toFixed(0)} ms | |`);
    console.log(`| memory the terminal holds (JS heap + array buffers) | ${(heapTerm - heap0).toFixed(1)} MiB | the text itself: ${((bytes * 2) / 2 ** 20).toFixed(1)} MiB as a JS string | ${((heapTerm - heap0) / ((bytes * 2) / 2 ** 20)).toFixed(1)}× |`);
    console.log(`| keydown → next frame while following 10,000 lines/s | ${stat(whileTerm)} | nothing streaming: ${stat(idle)}; <pre> following: ${stat(whilePre)} | ${(median(whileTerm) / median(idle)).toFixed(2)}× idle |`);
  } finally {
    await close();
    await browser.close();
  }
}

await main();
