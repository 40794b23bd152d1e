/**
 * A page in Chromium that runs one renderer module on its own (the console terminal, the live
 * chart) as the app bundles it: Vite builds `entry` (minified, the renderer's aliases) into a
 * temporary folder, and the page is served from it through Playwright's router, so a bench
 * measures that module and a baseline in the same page, without the rest of the app.
 */
import { build } from 'vite';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from '@playwright/test';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export interface ModulePage {
  page: Page;
  close(): Promise<void>;
}

/** `entry`: TypeScript that imports renderer modules (`@/…`) and puts what the bench drives on `window`. */
export async function modulePage(browser: Browser, entry: string, body = '', viewport = { width: 1366, height: 860 }): Promise<ModulePage> {
  // Inside the checkout, so the entry's bare imports (uplot, @xterm/…) resolve from node_modules.
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/hone-bench-page-'));
  writeFileSync(join(dir, 'entry.ts'), entry);
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body style="margin:0;font:14px system-ui">${body}<script type="module" src="./entry.ts"></script></body></html>`);
  await build({
    root: dir,
    configFile: false,
    logLevel: 'error',
    base: './',
    resolve: { alias: { '@shared': join(ROOT, 'electron/shared'), '@': join(ROOT, 'renderer/src') } },
    build: { outDir: join(dir, 'dist'), emptyOutDir: true, minify: true },
  });
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.route('http://bench.local/**', (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/+/, '') || 'index.html';
    const file = join(dir, 'dist', path);
    let body: Buffer | null = null;
    try {
      body = readFileSync(file);
    } catch {
      /* not built: 404 */
    }
    return body ? route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body }) : route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto('http://bench.local/index.html');
  return {
    page,
    close: async () => {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))]! : NaN;
};
