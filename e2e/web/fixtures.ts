/**
 * Shared test helpers: sign in through the URL fragment, call the API directly (to set up or
 * check state), and `look(name)` = axe (no serious/critical violation) + a screenshot in light
 * and dark mode of the current view.
 */
import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_FULL_PORT, E2E_KEY, E2E_PORT, SCREENSHOT_DIR } from './env';

export const API = `http://127.0.0.1:${E2E_PORT}`;
/** The server with MLflow and post-job benchmarks on (see env.ts). */
export const FULL = `http://127.0.0.1:${E2E_FULL_PORT}`;

export async function api(path: string, init: RequestInit = {}, server = API): Promise<Response> {
  return fetch(`${server}${path}`, { ...init, headers: { authorization: `Bearer ${E2E_KEY}`, ...(init.headers ?? {}) } });
}

/** Uploads bytes through the Files API (test set-up only; the UI path is tested in files specs). */
export async function uploadFile(name: string, content: string | Uint8Array, purpose = 'fine-tune', server = API): Promise<{ id: string; filename: string }> {
  const form = new FormData();
  form.set('purpose', purpose);
  form.set('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
  const res = await api('/v1/files', { method: 'POST', body: form }, server);
  if (!res.ok) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; filename: string };
}

/** Signs in and opens `route`; `server` = FULL for the server with MLflow and benchmarks. */
export async function openApp(page: Page, route = '/overview', server = API): Promise<void> {
  await page.goto(`${server}/app/#token=${encodeURIComponent(E2E_KEY)}`);
  await expect(page.getByTestId('server-health')).toContainText('Server online');
  if (route !== '/overview') await page.goto(`${server}/app/#${route}`);
}

export async function look(page: Page, name: string, opts: { exclude?: string[] } = {}): Promise<void> {
  let axe = new AxeBuilder({ page });
  for (const sel of opts.exclude ?? []) axe = axe.exclude(sel);
  const results = await axe.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), `axe on ${name}`).toEqual([]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // From the top: a scrolled page would put the sticky sidebar mid-picture in a full-page shot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = (await new AxeBuilder({ page }).withRules(['color-contrast']).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(dark.map((v) => `${v.id} (dark): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), `axe (dark) on ${name}`).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.dark.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Fails the test on any console error or uncaught exception of the app (a 404 for an icon
 * included). Chromium also logs every 4xx answer of the API; those are the errors the UI shows on
 * purpose (a wrong key, a refused upload), so they are left out, as is MLflow's page in the
 * Experiments frame. A test that expects another
 * error removes it from `consoleErrors`.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const at = m.location().url;
        if (/status of 4\d\d/.test(m.text()) && /\/v1\//.test(at)) return;
        // MLflow's own UI in the Experiments frame is a third-party page with its own console noise.
        if (new URL(at || 'about:blank', 'http://x').pathname.startsWith('/mlflow/')) return;
        errors.push(`${m.text()} (${at})`);
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await use(errors);
      expect(errors, 'console errors of the app').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };
