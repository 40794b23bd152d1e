/**
 * The live chart of the job page (renderer/src/ui/live-series.ts + live-plot.ts over uPlot) with
 * 50,000 points, in Debian's Chromium: main-thread ms per appended batch (50 steps of training
 * and validation loss per frame, as a fast trainer's events arrive), raw and with smoothing and a
 * log scale, at 1k / 25k / 50k points. Baseline from the same run and page: a bare uPlot with the
 * same series and size, arrays pushed and `setData` called per batch (what the wrapper adds).
 *
 *   npx tsx bench/ui/chart.ts [points] [batch]
 */
import { chromium } from '@playwright/test';
import { modulePage } from './module-page.js';

const POINTS = Number(process.argv[2] ?? 50_000);
const BATCH = Number(process.argv[3] ?? 50);

const ENTRY = `
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { LiveSeries } from '@/ui/live-series';
import { LivePlot } from '@/ui/live-plot';
Object.assign(window as any, { uPlot, LiveSeries, LivePlot });
`;
const BODY = `<div id="a" style="width:520px"></div><div id="b" style="width:520px"></div>`;

/** Runs in the page (a string: tsx would wrap inner functions in a helper the page lacks). */
const RUN = (kind: 'wrapper' | 'bare', smoothing: number, log: boolean) => `(async () => {
  const N = ${POINTS}, B = ${BATCH};
  const host = document.getElementById('${kind === 'wrapper' ? 'a' : 'b'}');
  host.innerHTML = '';
  const loss = (i) => 2 + 4 * Math.exp(-i / 8000) + 0.3 * Math.sin(i * 1.7) * Math.random();
  const times = [];
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  if ('${kind}' === 'wrapper') {
    const s = new LiveSeries(2);
    let dirty = Infinity;
    s.subscribe((from) => (dirty = Math.min(dirty, from)));
    const plot = new LivePlot(uPlot, host, s, {
      lines: [{ label: 'training loss', column: 0, color: '#3b5bdb' }, { label: 'validation loss', column: 1, color: '#8a5a00', sparse: true }],
      width: 520, height: 200, log: ${log}, smoothing: ${smoothing}, xLabel: 'step', text: '#4a535e', grid: '#d9dde3',
    });
    for (let i = 1; i <= N; i += B) {
      await frame();
      const t0 = performance.now();
      for (let k = i; k < i + B && k <= N; k++) {
        s.set(k, [loss(k), undefined], true);
        if (k % 10 === 0) s.set(k, [undefined, loss(k) + 0.1]);
      }
      plot.update(dirty);
      dirty = Infinity;
      await Promise.resolve(); // uPlot redraws in a microtask
      times.push([s.length, performance.now() - t0]);
    }
    plot.destroy();
  } else {
    const x = [], y1 = [], y2 = [];
    const u = new uPlot({ width: 520, height: 200, scales: { x: { time: false } }, series: [{}, { stroke: '#3b5bdb' }, { stroke: '#8a5a00', spanGaps: true, points: { show: true, size: 5 } }] }, [x, y1, y2], host);
    for (let i = 1; i <= N; i += B) {
      await frame();
      const t0 = performance.now();
      for (let k = i; k < i + B && k <= N; k++) {
        x.push(k); y1.push(loss(k)); y2.push(k % 10 === 0 ? loss(k) + 0.1 : null);
      }
      u.setData([x, y1, y2]);
      await Promise.resolve();
      times.push([x.length, performance.now() - t0]);
    }
    u.destroy();
  }
  return times;
})()`;

type Times = Array<[number, number]>;

/** Mean ms per batch for the batches whose point count is near `at` (±2.5 % of the run). */
function near(times: Times, at: number): string {
  const w = Math.max(BATCH * 10, POINTS * 0.025);
  const xs = times.filter(([n]) => Math.abs(n - at) <= w).map(([, ms]) => ms);
  if (!xs.length) return '—';
  const s = [...xs].sort((a, b) => a - b);
  return `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)} (p95 ${s[Math.floor(s.length * 0.95)]!.toFixed(2)})`;
}

async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const { page, close } = await modulePage(browser, ENTRY, BODY);
  try {
    await page.waitForFunction('window.LivePlot');
    const bare = (await page.evaluate(RUN('bare', 0, false))) as Times;
    const raw = (await page.evaluate(RUN('wrapper', 0, false))) as Times;
    const smooth = (await page.evaluate(RUN('wrapper', 0.6, true))) as Times;
    const marks = [1_000, Math.round(POINTS / 2), POINTS];
    console.log(`\n${POINTS.toLocaleString('en-US')} points in batches of ${BATCH} (one batch per animation frame), 520×200 px, training loss + validation loss every 10 steps.`);
    console.log(`\n| ms per appended batch (mean, p95) | ${marks.map((m) => `at ${m.toLocaleString('en-US')} points`).join(' | ')} |\n|---|${marks.map(() => '---|').join('')}`);
    console.log(`| LiveChart (LivePlot over LiveSeries) | ${marks.map((m) => near(raw, m)).join(' | ')} |`);
    console.log(`| LiveChart, smoothing 0.6 + log scale | ${marks.map((m) => near(smooth, m)).join(' | ')} |`);
    console.log(`| baseline: bare uPlot, push + setData | ${marks.map((m) => near(bare, m)).join(' | ')} |`);
    const last = (t: Times) => t.filter(([n]) => n >= POINTS * 0.975).map(([, ms]) => ms);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`\nAt ${POINTS.toLocaleString('en-US')} points the wrapper costs ${(mean(last(raw)) / mean(last(bare))).toFixed(2)}× a bare uPlot (raw) and ${(mean(last(smooth)) / mean(last(bare))).toFixed(2)}× with smoothing and log scale; a frame is 16.7 ms.`);
  } finally {
    await close();
    await browser.close();
  }
}

await main();
