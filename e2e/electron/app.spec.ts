/**
 * The built desktop app: the window shows the Overview without a sign-in screen and without the
 * key in its URL, a second launch focuses the first instead of starting another, and an external
 * link goes to the browser (shell.openExternal) while the window stays on the app.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { ROOT, electronBinary, skipReason } from './binary';

const reason = skipReason();
test.skip(reason !== null, reason ?? '');

let app: ElectronApplication;
let page: Page;
let profile: string;
const args = () => [ROOT, `--hone-user-data=${profile}`, '--hone-port=0', '--no-sandbox'];

test.beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'hone-electron-'));
  app = await electron.launch({ executablePath: electronBinary().path!, args: args(), env: { ...process.env, HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off' } });
  page = await app.firstWindow();
});

test.afterAll(async () => {
  await app?.evaluate(({ app: a }) => a.exit(0)).catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
});

test('the window shows the Overview, signed in, with no key in its URL', async () => {
  await expect(page.getByRole('heading', { name: 'Overview', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in to Hone' })).toHaveCount(0);
  expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/app\//);
  expect(page.url()).not.toMatch(/token|sk-/i);
  // The key is in this tab's storage, put there by the preload hand-off.
  expect(await page.evaluate(() => sessionStorage.getItem('hone.apiKey'))).toBeTruthy();
  // The renderer has no Node.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
});

test('a second launch focuses the first window and exits', async () => {
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.minimize());
  const second = spawn(electronBinary().path!, args(), { stdio: 'ignore' });
  const code = await new Promise<number | null>((r) => second.on('exit', r));
  expect(code).toBe(0);
  await expect
    .poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ minimized: w.isMinimized(), visible: w.isVisible() }))))
    .toEqual([{ minimized: false, visible: true }]);
});

test('an external link opens in the browser, not in the window', async () => {
  await app.evaluate(({ shell }) => {
    (globalThis as { opened?: string[] }).opened = [];
    shell.openExternal = async (url: string) => void (globalThis as unknown as { opened: string[] }).opened.push(url);
  });
  const before = page.url();
  await page.evaluate(() => {
    const a = document.createElement('a');
    a.href = 'https://example.com/docs';
    a.textContent = 'docs';
    document.body.append(a);
    a.click();
  });
  await expect.poll(() => app.evaluate(() => (globalThis as { opened?: string[] }).opened)).toEqual(['https://example.com/docs']);
  expect(page.url()).toBe(before);
  await page.evaluate(() => window.open('https://example.com/new', '_blank'));
  await expect.poll(() => app.evaluate(() => (globalThis as { opened?: string[] }).opened?.length)).toBe(2);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});
