/**
 * The dataset editor on a big file, in Debian's Chromium against a real server process:
 * time to the first example on opening a ~1 GB / ~700k-example file (its index not built yet),
 * time to jump to example 500,000, frames per second while scrolling through 10,000 examples, and
 * the tab's JS heap. Baselines from the same run: the same API calls made by the page itself
 * (what the UI adds on top of the network + server), an idle animation-frame loop (the display's
 * own rate), and the heap of the Files view before the editor opened.
 *
 *   npx tsx bench/ui/editor.ts [bytes]        (npm run build first)
 */
import { chromium } from '@playwright/test';
import { mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../validate/generate.js';
import { startServerProcess } from '../lib/server-process.js';

const BYTES = Number(process.argv[2] ?? 1e9);
const KEY = 'bench-key-editor-0123456789';
const PART = 64 * 2 ** 20;
const dir = mkdtempSync(join(tmpdir(), 'hone-bench-editor-'));

async function main() {
  const path = join(dir, 'big.jsonl');
  const gen = await generate(path, BYTES);
  const server = await startServerProcess(join(dir, 'data'), KEY);
  const api = (p: string, init: RequestInit = {}) => fetch(`${server.url}${p}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers ?? {}) } });
  /** Through the Uploads API in 64 MB parts, as the app does for big files. */
  const upload = async (name: string) => {
    const size = statSync(path).size;
    const up = (await (await api('/v1/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filename: name, purpose: 'fine-tune', bytes: size, mime_type: 'application/jsonl' }) })).json()) as { id: string };
    const blob = await openAsBlob(path);
    const parts: string[] = [];
    for (let o = 0; o < size; o += PART) {
      const form = new FormData();
      form.set('data', blob.slice(o, Math.min(size, o + PART)), 'part');
      parts.push(((await (await api(`/v1/uploads/${up.id}/parts`, { method: 'POST', body: form })).json()) as { id: string }).id);
    }
    const done = (await (await api(`/v1/uploads/${up.id}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ part_ids: parts }) })).json()) as { file: { id: string } };
    // Let the upload's own validation finish, so it does not share the CPU with what is measured.
    for (;;) {
      const f = (await (await api(`/v1/files/${done.file.id}`)).json()) as { status: string };
      if (f.status !== 'uploaded') return done.file.id;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const forUi = await upload('big-ui.jsonl');
  const forApi = await upload('big-api.jsonl');

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heapMiB = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const m = (await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'JSHeapUsedSize');
      return (m?.value ?? 0) / 2 ** 20;
    };
    await page.goto(`${server.url}/app/#token=${KEY}`);
    await page.getByText('Server online').waitFor();
    await page.goto(`${server.url}/app/#/files`);
    await page.getByRole('heading', { name: 'Files' }).waitFor();
    const heapFiles = await heapMiB();

    // Baseline: the page's own fetch of a first page of a file nobody opened yet (index cold).
    const apiFirst = await page.evaluate(async ({ id, key }) => {
      const t = performance.now();
      const r = await fetch(`/v1/files/${id}/examples?offset=0&limit=100`, { headers: { authorization: `Bearer ${key}` } });
      await r.json();
      return performance.now() - t;
    }, { id: forApi, key: KEY });

    let t = Date.now();
    await page.goto(`${server.url}/app/#/files/${forUi}/edit`);
    await page.locator('.example-row-preview').first().filter({ hasNotText: 'Loading' }).waitFor();
    await page.locator('.detail-head h2').filter({ hasText: /^Example 1\b/ }).waitFor();
    const firstMs = Date.now() - t;

    const apiDeep = await page.evaluate(async ({ id, key }) => {
      const t = performance.now();
      await (await fetch(`/v1/files/${id}/examples?offset=499950&limit=100`, { headers: { authorization: `Bearer ${key}` } })).json();
      return performance.now() - t;
    }, { id: forApi, key: KEY });
    t = Date.now();
    await page.goto(`${server.url}/app/#/files/${forUi}/edit?example=500000`);
    await page.locator('.detail-head h2').filter({ hasText: /Example 500,?000\b/ }).waitFor();
    const jumpMs = Date.now() - t;

    // Scroll through 10,000 examples from the top at a steady 100 rows a frame; count frames.
    await page.goto(`${server.url}/app/#/files/${forUi}/edit?example=1`);
    await page.locator('.detail-head h2').filter({ hasText: /^Example 1\b(?!,)/ }).waitFor();
    await page.evaluate(() => ((document.querySelector('.example-list') as HTMLElement).scrollTop = 0));
    // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
    const fps = (await page.evaluate(`(async () => {
      const el = document.querySelector('.example-list');
      const frames = (scroll, until) => new Promise((resolve) => {
        let n = 0, last = performance.now(), worst = 0;
        const t0 = last;
        const step = (now) => {
          worst = Math.max(worst, now - last);
          last = now;
          n++;
          if (scroll) el.scrollTop += 58 * 100;
          if (until(n)) resolve({ fps: (n * 1000) / (now - t0), worstMs: worst, frames: n });
          else requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      const idle = await frames(false, (n) => n >= 100);
      const scrolled = await frames(true, () => el.scrollTop >= 58 * 10000);
      return { idle, scrolled, rows: Math.round(el.scrollTop / 58) };
    })()`)) as { idle: { fps: number }; scrolled: { fps: number; worstMs: number; frames: number }; rows: number };
    const heapEditor = await heapMiB();
    // Pages scrolled out of view are dropped from the cache after 30 s.
    await page.waitForTimeout(35_000);
    const heapLater = await heapMiB();

    console.log('\n| measure | Hone UI | baseline (same run) | ratio |\n|---|---|---|---|');
    console.log(`| file | ${(gen.bytes / 1e9).toFixed(2)} GB, ${gen.examples} examples | | |`);
    console.log(`| open → first example shown (index cold) | ${firstMs} ms | page's own fetch of the first page, cold file: ${apiFirst.toFixed(0)} ms | ${(firstMs / apiFirst).toFixed(1)}× |`);
    console.log(`| jump to example 500,000 | ${jumpMs} ms | page's own fetch of that page: ${apiDeep.toFixed(0)} ms | ${(jumpMs / apiDeep).toFixed(1)}× |`);
    console.log(`| scrolling ${fps.rows.toLocaleString('en-US')} examples | ${fps.scrolled.fps.toFixed(0)} fps (worst frame ${fps.scrolled.worstMs.toFixed(0)} ms, ${fps.scrolled.frames} frames) | idle frame loop: ${fps.idle.fps.toFixed(0)} fps | ${(fps.scrolled.fps / fps.idle.fps).toFixed(2)} |`);
    console.log(`| tab JS heap right after scrolling | ${heapEditor.toFixed(1)} MiB | Files view: ${heapFiles.toFixed(1)} MiB | ${(heapEditor / heapFiles).toFixed(2)}× |`);
    console.log(`| tab JS heap 35 s later | ${heapLater.toFixed(1)} MiB | Files view: ${heapFiles.toFixed(1)} MiB | ${(heapLater / heapFiles).toFixed(2)}× |`);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
