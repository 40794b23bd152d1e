/**
 * The job page's time to first paint, in Debian's Chromium against a real server process with a
 * real finished job (hone-tiny-llama, CPU): from navigation start to the first frame showing the
 * job's status, to the loss chart drawn with every step, and to the console's text; each a median
 * of fresh page loads. Baseline from the same run: the Files view's first frame with its list (the
 * app's lightest data view), loaded the same way.
 *
 *   npx tsx bench/ui/job-page.ts [loads]      (npm run build first)
 */
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '../lib/server-process.js';
import { median } from './module-page.js';

const LOADS = Number(process.argv[2] ?? 7);
const KEY = 'bench-key-job-page-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'hone-bench-job-page-'));

/**
 * Before the app's scripts: records, relative to navigation start, the first animation frame in
 * which each watched selector matches (the frame the user first sees it in).
 */
const WATCH = `
window.__seen = {};
const watch = ${JSON.stringify({
  status: '[data-testid="job-status"]',
  chart: '[data-testid="chart-loss"][data-points="9"] canvas',
  console: '[data-testid="console"] .xterm-rows',
  files: 'table.files-table tbody tr',
})};
const check = () => {
  for (const [k, sel] of Object.entries(watch)) {
    if (window.__seen[k] !== undefined) continue;
    const el = document.querySelector(sel);
    if (!el || (k === 'console' && !/\\S/.test(el.textContent))) continue;
    window.__seen[k] = -1;
    requestAnimationFrame(() => (window.__seen[k] = performance.now()));
  }
};
new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
`;

async function load(page: Page, url: string, keys: string[]): Promise<Record<string, number>> {
  await page.goto('about:blank');
  await page.goto(url);
  // A function, not a string: the app's CSP forbids evaluating strings in the page.
  await page.waitForFunction((ks) => ks.every((k) => ((window as unknown as { __seen: Record<string, number> }).__seen[k] ?? 0) > 0), keys, { timeout: 60_000 });
  return (await page.evaluate('window.__seen')) as Record<string, number>;
}

async function main() {
  const server = await startServerProcess(join(dir, 'data'), KEY);
  const api = async <T>(p: string, init: RequestInit = {}) =>
    (await (await fetch(`${server.url}${p}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers ?? {}) } })).json()) as T;
  try {
    // A real job: 12 examples, 3 epochs of 4 = 9 steps on the CPU.
    const words = ['apple', 'banana', 'cherry', 'damson'];
    const jsonl = Array.from({ length: 12 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Code word ${i % 4}?` }, { role: 'assistant', content: `It is ${words[i % 4]}.` }] })).join('\n') + '\n';
    const form = new FormData();
    form.set('purpose', 'fine-tune');
    form.set('file', new Blob([jsonl]), 'bench.jsonl');
    const file = await api<{ id: string }>('/v1/files', { method: 'POST', body: form });
    const job = await api<{ id: string }>('/v1/fine_tuning/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'hone-tiny-llama', training_file: file.id, hyperparameters: { n_epochs: 3, batch_size: 4 }, hone: { benchmarks: false } }),
    });
    for (;;) {
      const j = await api<{ status: string; error: unknown }>(`/v1/fine_tuning/jobs/${job.id}`);
      if (j.status === 'succeeded') break;
      if (j.status === 'failed' || j.status === 'cancelled') throw new Error(`the bench job ${j.status}: ${JSON.stringify(j.error)}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
      await page.goto(`${server.url}/app/#token=${KEY}`);
      await page.getByText('Server online').waitFor();
      await page.addInitScript(WATCH);
      // Once each first: the chunks in the browser's cache, as for a user coming back.
      await load(page, `${server.url}/app/#/files`, ['files']);
      await load(page, `${server.url}/app/#/jobs/${job.id}`, ['status', 'chart', 'console']);
      const files: number[] = [];
      const status: number[] = [];
      const chart: number[] = [];
      const consoleText: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        files.push((await load(page, `${server.url}/app/#/files`, ['files'])).files!);
        const j = await load(page, `${server.url}/app/#/jobs/${job.id}`, ['status', 'chart', 'console']);
        status.push(j.status!);
        chart.push(j.chart!);
        consoleText.push(j.console!);
      }
      const f = median(files);
      const row = (what: string, xs: number[]) => `| ${what} | ${median(xs).toFixed(0)} ms | Files view with its list: ${f.toFixed(0)} ms | ${(median(xs) / f).toFixed(2)}× |`;
      console.log(`\nMedian of ${LOADS} fresh page loads (warm browser cache), navigation start → first frame showing it; a finished 9-step job.`);
      console.log('\n| job page | time | baseline (same run) | ratio |\n|---|---|---|---|');
      console.log(row('status shown (first paint of the view)', status));
      console.log(row('loss chart drawn with all 9 steps', chart));
      console.log(row('console text shown', consoleText));
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
