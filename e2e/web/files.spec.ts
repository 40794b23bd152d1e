/**
 * The Files view against the real server: uploads through the picker, drop and keyboard (Files
 * API and 64 MB Uploads API parts), cancel, the paged server-side list, delete, download.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, linkSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { MAX_PART_BYTES } from '../../electron/shared/constants';
import { test, expect, openApp, look, api, uploadFile } from './fixtures';

const RUN = Date.now().toString(36);
const SEED = resolve(import.meta.dirname, '../../resources/datasets/seed-sample.json');
const LINE = `${JSON.stringify({ messages: [{ role: 'user', content: 'Say hi.' }, { role: 'assistant', content: 'Hi!' }] })}\n`;
const BIG_BYTES = 200 * 1000 * 1000;

let tmp: string;
let big: string;
test.beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hone-files-e2e-'));
  // 200 MB of chat lines, written in 1 MB blocks (the last line is cut to hit the size exactly).
  big = join(tmp, `big-${RUN}.jsonl`);
  const out = createWriteStream(big);
  const block = LINE.repeat(Math.ceil(1_000_000 / LINE.length)).slice(0, 1_000_000);
  for (let i = 0; i < BIG_BYTES / 1_000_000; i++) if (!out.write(block)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
});
test.afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function md5Of(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function findFile(name: string): Promise<{ id: string; bytes: number; checksum: string; status: string; status_details: string | null } | undefined> {
  const res = await api(`/v1/files?q=${encodeURIComponent(name)}&limit=10`);
  const list = (await res.json()) as { data: { id: string; filename: string; bytes: number; checksum: string; status: string; status_details: string | null }[] };
  return list.data.find((f) => f.filename === name);
}

// The shared fixture collects console errors; here they fail the test (expected ones are removed by the test).
test.afterEach(({ consoleErrors }) => expect(consoleErrors).toEqual([]));

const item = (page: Page, name: string) => page.locator(`[data-testid="upload-item"][data-name="${name}"]`);
const fileInput = (page: Page) => page.getByLabel('Files to upload').first();

test.describe('files', () => {
  test('empty list: says what to do, imports the sample', async ({ page }) => {
    // One worker runs the specs one after another, so clearing the list here disturbs no other test.
    const all = (await (await api('/v1/files?limit=10000')).json()) as { data: { id: string }[] };
    for (const f of all.data) await api(`/v1/files/${f.id}`, { method: 'DELETE' });
    await openApp(page, '/files');
    await expect(page.getByRole('heading', { name: 'No files yet' })).toBeVisible();
    await expect(page.getByText('Upload a JSONL dataset, or start from the sample')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Write a new dataset' })).toHaveAttribute('href', '#/datasets/new');
    await look(page, 'files-empty');
    await page.getByRole('button', { name: /Import the sample/ }).click();
    await expect(page.getByTestId('file-row').first()).toContainText('marv-chat.jsonl');
    await expect(page.getByTestId('file-status').first()).toHaveText(/processed|error/);
  });

  test('uploads the seed sample through the file input: status settles, md5 shown', async ({ page }) => {
    await openApp(page, '/files');
    await fileInput(page).setInputFiles(SEED);
    const it = item(page, 'seed-sample.json');
    await expect(it).toHaveAttribute('data-state', 'done');
    const md5 = createHash('md5').update(readFileSync(SEED)).digest('hex');
    await expect(it.getByTestId('upload-checksum')).toHaveText(md5);
    const row = page.getByTestId('file-row').filter({ hasText: 'seed-sample.json' }).first();
    await expect(row.getByTestId('file-status')).toHaveText(/^(processed|error)$/);
    const f = await findFile('seed-sample.json');
    expect(f?.checksum).toBe(md5);
    expect(f?.status).not.toBe('uploaded');
  });

  test('a broken dataset settles as error with the validator’s reason in its row', async ({ page }) => {
    const name = `broken-${RUN}.jsonl`;
    await uploadFile(name, `${LINE}{"messages": not json\n`);
    await openApp(page, '/files');
    await page.getByLabel('Search').fill(name);
    const row = page.getByTestId('file-row').filter({ hasText: name });
    await expect(row.getByTestId('file-status')).toHaveText('error');
    const f = await findFile(name);
    expect(f?.status_details).toBeTruthy();
    await expect(row).toContainText(f!.status_details!.slice(0, 40));
  });

  test('several dropped files upload at once', async ({ page }) => {
    await openApp(page, '/files');
    const names = [`drop-a-${RUN}.jsonl`, `drop-b-${RUN}.jsonl`];
    const dt = await page.evaluateHandle(
      ([a, b, line]) => {
        const d = new DataTransfer();
        d.items.add(new File([line!], a!, { type: 'application/jsonl' }));
        d.items.add(new File([line!.repeat(3)], b!, { type: 'application/jsonl' }));
        return d;
      },
      [...names, LINE],
    );
    await page.locator('.files-page').dispatchEvent('dragover', { dataTransfer: dt });
    await expect(page.getByText(/Drop files to upload them/)).toBeVisible();
    await page.locator('.files-page').dispatchEvent('drop', { dataTransfer: dt });
    for (const n of names) await expect(item(page, n)).toHaveAttribute('data-state', 'done');
    expect((await findFile(names[1]!))?.bytes).toBe(LINE.length * 3);
  });

  test('a 200 MB file goes through 64 MB parts with moving progress and arrives whole', async ({ page }) => {
    test.setTimeout(180_000);
    await openApp(page, '/files');
    const name = `big-${RUN}.jsonl`;
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const tick = () => {
        const v = document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow');
        if (v && seen.at(-1) !== v) seen.push(v);
      };
      setInterval(tick, 25);
    });
    await fileInput(page).setInputFiles(big);
    const it = item(page, name);
    await expect(it).toContainText('in 64 MB parts');
    await expect(it).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(new Set(seen).size, `progress values ${seen.join(',')}`).toBeGreaterThanOrEqual(2);
    const f = await findFile(name);
    expect(f?.bytes).toBe(BIG_BYTES);
    await expect(it.getByTestId('upload-checksum')).toHaveText(await md5Of(big));
  });

  test('cancelling an upload leaves no file', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page, '/files');
    const name = `cancel-${RUN}.jsonl`;
    const path = join(tmp, name);
    linkSync(big, path);
    // Slow the browser's uploads so the in-progress state can be looked at and cancelled.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 });
    await fileInput(page).setInputFiles(path);
    const it = item(page, name);
    await expect(it.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]/, { timeout: 60_000 });
    await expect(it).toContainText(/\/s · /);
    await look(page, 'files-upload-in-progress');
    // The queue outlives the view: away and back, the same upload is still going.
    const before = Number(await it.getByRole('progressbar').getAttribute('aria-valuenow'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Overview/ }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Files/ }).click();
    await expect(it).toHaveAttribute('data-state', 'uploading');
    expect(Number(await it.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(before);
    await it.getByRole('button', { name: `Cancel upload of ${name}` }).click();
    await expect(it).toHaveAttribute('data-state', 'cancelled');
    await expect(it).toContainText('nothing was kept');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    expect(await findFile(name)).toBeUndefined();
  });

  test('the server’s message is shown for a refused upload', async ({ page, consoleErrors }) => {
    await openApp(page, '/files');
    const name = `empty-${RUN}.jsonl`;
    await fileInput(page).setInputFiles({ name, mimeType: 'application/jsonl', buffer: Buffer.alloc(0) });
    const it = item(page, name);
    await expect(it).toHaveAttribute('data-state', 'error');
    await expect(it.getByRole('alert')).toContainText('The file is empty.');
    await expect(it.getByRole('alert')).toContainText('empty_file');
    // Chromium logs the 400 as a failed resource load: that one is expected.
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes('status of 400')));
  });

  test('a part that fails is retried and the file still arrives whole', async ({ page, consoleErrors }) => {
    test.setTimeout(180_000);
    await openApp(page, '/files');
    const name = `retry-${RUN}.jsonl`;
    const path = join(tmp, name);
    linkSync(big, path);
    let attempts = 0;
    await page.route('**/v1/uploads/*/parts', async (route) => {
      if (++attempts === 2) return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { message: 'injected failure', type: 'server_error', param: null, code: null } }) });
      return route.continue();
    });
    await fileInput(page).setInputFiles(path);
    const it = item(page, name);
    await expect(it).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
    // Chromium logs the injected 503 as a failed resource load: that one is expected.
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !e.includes('status of 503')));
    expect(attempts).toBe(Math.ceil(BIG_BYTES / MAX_PART_BYTES) + 1); // 3 parts + 1 retry
    expect((await findFile(name))?.bytes).toBe(BIG_BYTES);
    await expect(it.getByTestId('upload-checksum')).toHaveText(await md5Of(big));
  });

  test('closing the tab mid-upload cancels the pending upload and leaves no file', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page, '/files');
    const name = `closed-${RUN}.jsonl`;
    const path = join(tmp, name);
    linkSync(big, path);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * 1024 * 1024 });
    const created = page.waitForResponse((r) => r.url().endsWith('/v1/uploads') && r.request().method() === 'POST');
    await fileInput(page).setInputFiles(path);
    const uploadId = ((await (await created).json()) as { id: string }).id;
    await expect(item(page, name).getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]/, { timeout: 60_000 });
    await page.close({ runBeforeUnload: true });
    await expect.poll(async () => ((await (await api(`/v1/uploads/${uploadId}`)).json()) as { status: string }).status, { timeout: 15_000 }).toBe('cancelled');
    expect(await findFile(name)).toBeUndefined();
  });

  test('search, sort and pages over 120 files', async ({ page }) => {
    test.setTimeout(180_000);
    const prefix = `pg-${RUN}-`;
    for (let i = 0; i < 120; i++) await uploadFile(`${prefix}${String(i).padStart(3, '0')}.jsonl`, LINE.repeat(1 + ((i * 37) % 120)));
    await openApp(page, '/files');
    await page.getByLabel('Search').fill(prefix);
    const range = page.getByTestId('range');
    await expect(range).toHaveText('1–50 of 120');
    const rows = page.getByTestId('file-row');
    await expect(rows).toHaveCount(50);
    await expect(rows.first()).toContainText(`${prefix}119.jsonl`); // newest first
    await look(page, 'files-full-list');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(range).toHaveText('51–100 of 120');
    await expect(rows.first()).toContainText(`${prefix}069.jsonl`);
    await page.getByRole('button', { name: 'Last' }).click();
    await expect(range).toHaveText('101–120 of 120');
    await expect(rows).toHaveCount(20);
    await page.getByRole('button', { name: /^Name/ }).click(); // back to page 1, A→Z
    await expect(range).toHaveText('1–50 of 120');
    await expect(rows.first()).toContainText(`${prefix}000.jsonl`);
    await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
    await page.getByRole('button', { name: /^Name/ }).click();
    await expect(rows.first()).toContainText(`${prefix}119.jsonl`);
    await page.getByRole('button', { name: /^Size/ }).click(); // largest first: 1 + (i*37 % 120) = 120 lines at i = 107
    await expect(rows.first()).toContainText(`${prefix}107.jsonl`);
    await page.getByRole('button', { name: /^Size/ }).click();
    await expect(rows.first()).toContainText(`${prefix}000.jsonl`); // 1 line
    await page.getByLabel('Search').fill(`${prefix}07`);
    await expect(range).toHaveText('1–10 of 10');
    await page.getByLabel('Search').fill(`nothing-like-this-${RUN}`);
    await expect(page.getByRole('heading', { name: 'No files match' })).toBeVisible();
    await page.getByRole('button', { name: 'Clear search and filter' }).click();
    await expect(rows.first()).toBeVisible();
  });

  test('delete asks first: Cancel keeps the file, Delete removes it', async ({ page }) => {
    const name = `delete-me-${RUN}.jsonl`;
    const f = await uploadFile(name, LINE);
    await openApp(page, '/files');
    await page.getByLabel('Search').fill(name);
    const row = page.getByTestId('file-row').filter({ hasText: name });
    await row.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(f.id);
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await look(page, 'files-delete-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toBeVisible();
    expect((await api(`/v1/files/${f.id}`)).status).toBe(200);
    await row.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'No files match' })).toBeVisible();
    expect((await api(`/v1/files/${f.id}`)).status).toBe(404);
  });

  test('download saves the content (blob fallback where there is no save picker)', async ({ page }) => {
    const name = `download-${RUN}.jsonl`;
    await uploadFile(name, LINE.repeat(5));
    await page.addInitScript(() => delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker);
    await openApp(page, '/files');
    await page.getByLabel('Search').fill(name);
    const row = page.getByTestId('file-row').filter({ hasText: name });
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(name);
    expect(readFileSync(await download.path(), 'utf8')).toBe(LINE.repeat(5));
  });

  test('keyboard only: pick a file, reach its row, open it in the editor', async ({ page }) => {
    const name = `keys-${RUN}.jsonl`;
    const path = join(tmp, name);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, LINE.repeat(2));
    await openApp(page, '/files');
    await expect(page.getByRole('heading', { name: 'Files', exact: true })).toBeVisible();
    const focusedText = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');
    for (let i = 0; i < 40 && (await focusedText()) !== 'Upload files…'; i++) await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Upload files…');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(path);
    await expect(item(page, name)).toHaveAttribute('data-state', 'done');
    const f = await findFile(name);
    const row = page.locator(`[data-testid="file-row"][data-file-id="${f!.id}"]`);
    await expect(row).toBeVisible();
    const onTarget = () => row.getByRole('link', { name: 'Open in editor' }).evaluate((el) => el === document.activeElement);
    for (let i = 0; i < 80 && !(await onTarget()); i++) await page.keyboard.press('Tab');
    expect(await onTarget()).toBe(true);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`#/files/${f!.id}/edit`));
  });
});
