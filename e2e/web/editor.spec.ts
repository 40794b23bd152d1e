/**
 * The dataset editor end to end: a real server, real files, Chromium. Weights by mouse and by
 * keyboard, undo/redo, the leave guard, a broken line fixed from the problem list in Raw JSON,
 * save as new (content checked byte for byte, validated through the API), preference view, the
 * label mask with the hone-tiny-llama fixture tokenizer, and a read-only file.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator } from '@playwright/test';
import { test, expect, openApp, look, api, uploadFile } from './fixtures';
import { E2E_DATA_DIR } from './env';

const root = resolve(import.meta.dirname, '../..');
const seed = readFileSync(join(root, 'resources/datasets/seed-sample.json'), 'utf8');
const uniq = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function content(id: string): Promise<string> {
  return (await api(`/v1/files/${id}/content`)).text();
}
async function validate(id: string, model?: string): Promise<{ errors: string[]; stats: { trained_tokens_per_epoch: number; tokens_per_epoch: number } }> {
  const res = await api(`/v1/val_dataset?file_id=${id}${model ? `&model=${model}` : ''}`, { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as { errors: string[]; stats: { trained_tokens_per_epoch: number; tokens_per_epoch: number } };
}
/** The id of the saved file, from the "Open …" link of the saved notice. */
async function savedId(page: import('@playwright/test').Page, filename: string): Promise<string> {
  const href = await page.getByRole('link', { name: `Open ${filename}` }).getAttribute('href');
  return /#\/files\/([^/]+)\/edit/.exec(href ?? '')![1]!;
}

test.describe('dataset editor', () => {
  test('seed sample: weights by mouse and keyboard, undo/redo, leave guard, save as new byte for byte', async ({ page }) => {
    const name = `seed-${uniq()}`;
    const f = await uploadFile(`${name}.json`, seed);
    await openApp(page, `/files/${f.id}/edit`);
    await expect(page.getByText('OpenAI requires JSON Lines')).toBeVisible();
    const detail = page.getByRole('region', { name: 'Selected example' });
    await expect(detail.getByRole('heading', { name: /Example 1/ })).toBeVisible();
    const weights = detail.locator('.weight-toggle');
    await expect(weights).toHaveText(['Not trained', 'Trained']);
    await look(page, 'editor-chat');

    await weights.nth(0).click(); // mouse: "Paris" becomes trained
    await expect(weights).toHaveText(['Trained', 'Trained']);
    await expect(page.getByRole('list', { name: 'Examples' }).getByText('edited')).toBeVisible();
    // Keyboard only: Tab from the first toggle to the second one, then Space / Enter.
    await weights.nth(0).focus();
    for (let i = 0; i < 20 && !(await weights.nth(1).evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(weights.nth(1)).toBeFocused();
    await page.keyboard.press('Space');
    await expect(weights.nth(1)).toHaveText('Not trained');
    await expect(weights.nth(1)).toHaveAttribute('aria-pressed', 'false');
    await page.keyboard.press('Enter');
    await expect(weights.nth(1)).toHaveText('Trained');
    await page.keyboard.press('Space');
    await expect(weights.nth(1)).toHaveText('Not trained');
    // Undo / redo: keyboard and buttons.
    await page.keyboard.press('Control+z');
    await expect(weights.nth(1)).toHaveText('Trained');
    await page.keyboard.press('Control+Shift+z');
    await expect(weights.nth(1)).toHaveText('Not trained');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(weights.nth(1)).toHaveText('Trained');
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect(weights).toHaveText(['Trained', 'Not trained']);

    // The leave guard: navigation is held until the user chooses.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Files/ }).click();
    const guard = page.getByRole('dialog', { name: 'Leave without saving?' });
    await expect(guard).toBeVisible();
    await guard.getByRole('button', { name: 'Cancel' }).click();
    await expect(page).toHaveURL(new RegExp(`/files/${f.id}/edit`));

    await page.getByRole('button', { name: 'Save as new file…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as a new file' });
    await expect(dialog).toContainText('1 edited, 0 deleted, 0 added');
    await expect(dialog).toContainText('No examples with errors are known.');
    await look(page, 'editor-save-dialog');
    await dialog.getByRole('button', { name: 'Save as new file' }).click();
    const saved = `${name}.edited-1.jsonl`;
    await expect(page.getByRole('status').filter({ hasText: `Saved as ${saved}` }).first()).toBeVisible();

    const ex = (JSON.parse(seed) as { messages: Record<string, unknown>[] }[])[0]!;
    ex.messages[2]!.weight = 1;
    ex.messages[4]!.weight = 0;
    const id = await savedId(page, saved);
    expect(await content(id)).toBe(JSON.stringify(ex) + '\n');
    expect((await validate(id)).errors).toEqual(['No errors found']);

    // Saved: leaving is no longer held.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Files/ }).click();
    await expect(page).toHaveURL(/#\/files$/);
  });

  test('a broken line: follow the problem link, fix it in Raw JSON, the saved file validates clean', async ({ page }) => {
    const chat = (u: string, a: string) => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });
    const lines = [chat('one', '1'), chat('two', '2'), '{"messages": [{"role": "user", "content": "three"}, {"role": "assistant", "content": "3"}', chat('four', '4')];
    const f = await uploadFile(`broken-${uniq()}.jsonl`, lines.join('\n') + '\n');
    await openApp(page, `/files/${f.id}/edit`);
    const problems = page.getByRole('complementary', { name: 'Model and problems' });
    await page.getByLabel('Show').selectOption('errors');
    await expect(page.getByRole('list', { name: 'Examples' }).getByRole('listitem')).toHaveCount(1);
    await expect(page.getByRole('list', { name: 'Examples' }).getByRole('listitem')).toContainText('#3');
    await page.getByLabel('Show').selectOption('all');
    await problems.getByRole('button', { name: 'Example 3, line 3' }).click();
    const detail = page.getByRole('region', { name: 'Selected example' });
    await expect(detail.getByRole('heading', { name: /Example 3/ })).toBeVisible();
    await detail.getByRole('button', { name: 'Open Raw JSON' }).click();
    const editor = detail.locator('.cm-content');
    await expect(editor).toBeVisible();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(']}');
    await expect(detail.getByText('Not applied yet')).toHaveCount(0);
    await expect(problems.locator('li.error')).toHaveCount(0);
    await look(page, 'editor-raw-json');
    // The form shows the fixed example.
    await detail.getByRole('tab', { name: 'Conversation' }).click();
    await expect(detail.getByRole('textbox', { name: /Content of message 1/ })).toHaveValue('three');
    await page.getByRole('button', { name: 'Save as new file…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as a new file' });
    await dialog.getByRole('button', { name: 'Save as new file' }).click();
    await expect(page.getByText(/Saved as broken-.*\.edited-1\.jsonl/).first()).toBeVisible();
    const savedName = (await page.locator('.notice.ok strong').textContent())!;
    const id = await savedId(page, savedName);
    const fixed = JSON.stringify(JSON.parse(lines[2] + ']}'));
    expect(await content(id)).toBe([lines[0], lines[1], fixed, lines[3]].join('\n') + '\n');
    expect((await validate(id)).errors).toEqual(['No errors found']);
  });

  test('an edit that breaks validation shows inline at the message and is counted in the save dialog', async ({ page }) => {
    const f = await uploadFile(`inline-${uniq()}.jsonl`, JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }) + '\n');
    await openApp(page, `/files/${f.id}/edit?example=1`);
    const detail = page.getByRole('region', { name: 'Selected example' });
    await detail.getByRole('combobox', { name: 'Role of message 2' }).selectOption('user');
    await expect(detail.locator('.message .field-error, .example-issues .field-error').first()).toBeVisible();
    await page.getByRole('button', { name: 'Save as new file…' }).click();
    await expect(page.getByRole('dialog', { name: 'Save as a new file' })).toContainText('1 example with errors');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.keyboard.press('Control+z');
    await expect(detail.locator('.weight-toggle')).toHaveText('Trained');
  });

  test('preference examples show preferred and non-preferred side by side', async ({ page }) => {
    const f = await uploadFile(`pref-${uniq()}.jsonl`, readFileSync(join(root, 'resources/datasets/marv-preference.jsonl')));
    await openApp(page, `/files/${f.id}/edit?example=2`);
    const detail = page.getByRole('region', { name: 'Selected example' });
    await expect(detail.getByRole('heading', { name: /Example 2/ })).toBeVisible();
    await expect(detail.getByRole('region', { name: 'Preferred output', exact: true }).getByRole('textbox')).toHaveValue(/William Shakespeare/);
    await expect(detail.getByRole('region', { name: 'Non-preferred output', exact: true }).getByRole('textbox')).not.toHaveValue('');
    await look(page, 'editor-preference');
  });

  test('label mask with hone-tiny-llama: trained tokens highlighted, counts equal the server validator', async ({ page }) => {
    cpSync(join(root, 'electron/shared/validation/fixtures/hone-tiny-llama'), join(E2E_DATA_DIR, 'models', 'hone-tiny-llama'), { recursive: true });
    const line = readFileSync(join(root, 'resources/datasets/seed-sample.json'), 'utf8');
    const f = await uploadFile(`mask-${uniq()}.jsonl`, JSON.stringify(JSON.parse(line)[0]) + '\n');
    await openApp(page, `/files/${f.id}/edit`);
    await page.getByLabel('Model for token counts').selectOption('hone-tiny-llama');
    const detail = page.getByRole('region', { name: 'Selected example' });
    await detail.getByRole('tab', { name: 'Tokens & labels' }).click();
    const heading = detail.getByRole('heading', { name: /Rendered for training — \d+ of \d+ tokens trained/ });
    await expect(heading).toBeVisible();
    const [, trained, total] = /(\d+) of (\d+)/.exec((await heading.textContent())!)!;
    const v = await validate(f.id, 'hone-tiny-llama');
    expect(Number(trained)).toBe(v.stats.trained_tokens_per_epoch);
    expect(Number(total)).toBe(v.stats.tokens_per_epoch);
    await expect(detail.locator('mark.trained').first()).toContainText("Paris, as if everyone doesn't know that already.");
    await expect(detail.locator('mark.trained')).toHaveCount(1); // the weight-0 "Paris" is context only
    await look(page, 'editor-label-mask');
  });

  test('a file that is not JSON Lines opens read-only with the reason', async ({ page }) => {
    const f = await uploadFile(`table-${uniq()}.jsonl`, 'name,answer\nparis,france\n');
    await openApp(page, `/files/${f.id}/edit`);
    await expect(page.getByText('Read-only.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save as new file…' })).toBeDisabled();
    await look(page, 'editor-read-only');
  });
  test('a 300 KB example is shown cut and read-only until "Show all"', async ({ page }) => {
    const big = JSON.stringify({ messages: [{ role: 'user', content: 'long one' }, { role: 'assistant', content: 'x'.repeat(300_000) + ' END' }] });
    const f = await uploadFile(`big-${uniq()}.jsonl`, big + '\n');
    await openApp(page, `/files/${f.id}/edit`);
    const detail = page.getByRole('region', { name: 'Selected example' });
    await expect(detail.getByText(/only its start is shown, read-only/)).toBeVisible();
    await expect(detail.getByRole('textbox')).toHaveCount(0);
    await detail.getByRole('button', { name: 'Show all' }).click();
    await expect(detail.getByRole('textbox', { name: /Content of message 2/ })).toHaveValue(/ END$/);
  });

  test('a 10 MB single-line example does not freeze the tab: cut, then "Show all" on demand', async ({ page }) => {
    const big = JSON.stringify({ messages: [{ role: 'user', content: 'huge one' }, { role: 'assistant', content: 'y'.repeat(10_000_000) + ' END' }] });
    const f = await uploadFile(`huge-${uniq()}.jsonl`, big + '\n');
    const small = await uploadFile(`small-${uniq()}.jsonl`, JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'small END' }] }) + '\n');
    await openApp(page, '/files');
    // Watch the main thread from before the editor opens: no task may block it for long. The
    // baseline is the same editor opening a one-line file on this machine now (CI machines are
    // loaded): the 10 MB example may cost at most a few times that, never a frozen tab.
    const detail = page.getByRole('region', { name: 'Selected example' });
    const longestWhileOpening = async (id: string, ready: Locator) => {
      await page.evaluate(() => {
        const w = window as unknown as { longest: number; obs?: PerformanceObserver };
        w.longest = 0;
        w.obs?.disconnect();
        w.obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => (w.longest = Math.max(w.longest, e.duration))));
        w.obs.observe({ type: 'longtask', buffered: false });
      });
      await page.goto(`/app/#/files/${id}/edit`);
      await expect(ready).toBeVisible();
      return page.evaluate(() => (window as unknown as { longest: number }).longest);
    };
    const baseline = await longestWhileOpening(small.id, detail.getByRole('textbox', { name: /Content of message 2/ }));
    const longest = await longestWhileOpening(f.id, detail.getByText(/only its start is shown, read-only/));
    expect(longest, `longest main-thread task while opening (ms; a one-line file: ${baseline} ms)`).toBeLessThan(Math.max(500, 4 * baseline));
    await detail.getByRole('button', { name: 'Show all' }).click();
    await expect(detail.getByRole('textbox', { name: /Content of message 2/ })).toHaveValue(/ END$/, { timeout: 30_000 });
  });

  test('new dataset from scratch: write an example, save uploads it as JSONL', async ({ page }) => {
    await openApp(page, '/datasets/new');
    await expect(page.getByRole('heading', { name: 'Start from a sample' })).toBeVisible();
    await page.getByRole('button', { name: 'Start an empty dataset' }).click();
    const detail = page.getByRole('region', { name: 'Selected example' });
    await detail.getByRole('textbox', { name: /Content of message 1/ }).fill('What is 2+2?');
    await detail.getByRole('textbox', { name: /Content of message 2/ }).fill('4');
    await page.getByRole('button', { name: 'Save as new file…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save the new dataset' });
    const name = `scratch-${uniq()}.jsonl`;
    await dialog.getByLabel('File name').fill(name);
    await dialog.getByRole('button', { name: 'Upload as JSONL' }).click();
    await expect(page.getByText(`Saved as ${name}`).first()).toBeVisible();
    const id = await savedId(page, name);
    expect(await content(id)).toBe(JSON.stringify({ messages: [{ role: 'user', content: 'What is 2+2?' }, { role: 'assistant', content: '4' }] }) + '\n');
  });

  test('new dataset from a sample: import opens it in the editor', async ({ page }) => {
    await openApp(page, '/datasets/new');
    await look(page, 'editor-new-dataset');
    await page.getByRole('button', { name: /^Import marv-chat/ }).click();
    await expect(page).toHaveURL(/#\/files\/[^/]+\/edit$/);
    await expect(page.getByRole('region', { name: 'Selected example' }).getByRole('heading', { name: /Example 1/ })).toBeVisible();
  });
  test('bulk weight rules (checked rows and whole file), duplicate, delete and reorder, saved byte for byte', async ({ page }) => {
    const conv = (t: string) => ({
      messages: [
        { role: 'user', content: `${t}1` },
        { role: 'assistant', content: `${t}a` },
        { role: 'user', content: `${t}2` },
        { role: 'assistant', content: `${t}b` },
      ],
    });
    const src = [conv('p'), conv('q'), conv('r')];
    const f = await uploadFile(`bulk-${uniq()}.jsonl`, src.map((x) => JSON.stringify(x)).join('\n') + '\n');
    await openApp(page, `/files/${f.id}/edit`);
    const rows = page.getByRole('list', { name: 'Examples' });
    await expect(rows.getByRole('listitem')).toHaveCount(3);
    // Checked rows: only #2 gets "last assistant only" now.
    await rows.getByRole('checkbox', { name: 'Select #2 for bulk actions' }).check();
    await page.getByLabel('Apply to').selectOption('checked');
    await page.getByRole('button', { name: 'Train only the last assistant turn' }).click();
    await expect(rows.getByRole('listitem').nth(1)).toContainText('1/2 trained');
    // Whole file (on save): every assistant turn trained; noted on the page.
    await page.getByLabel('Apply to').selectOption('file');
    await page.getByRole('button', { name: 'Train every assistant turn' }).click();
    await expect(page.locator('.info-notice')).toContainText('On save, every example: train every assistant turn');
    // Example 1: move message 2 above message 1 with Alt+ArrowUp, duplicate it, delete example 3.
    const detail = page.getByRole('region', { name: 'Selected example' });
    await rows.getByRole('button', { name: 'Open example #1' }).click();
    await detail.getByRole('textbox', { name: /Content of message 2/ }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect(detail.getByRole('textbox', { name: /Content of message 1/ })).toHaveValue('pa');
    await detail.getByRole('button', { name: 'Duplicate' }).click();
    await expect(rows.getByRole('listitem')).toHaveCount(4);
    await expect(detail.getByRole('heading', { name: 'New example' })).toBeVisible();
    await rows.getByRole('button', { name: 'Open example #3' }).click();
    await detail.getByRole('button', { name: 'Delete example' }).click();
    await expect(rows.getByRole('listitem').nth(3)).toContainText('deleted');
    await page.getByRole('button', { name: 'Save as new file…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as a new file' });
    await expect(dialog).toContainText('2 edited, 1 deleted, 1 added');
    await expect(dialog).toContainText('Weights: train every assistant turn in every example');
    await dialog.getByRole('button', { name: 'Save as new file' }).click();
    await expect(page.locator('.notice.ok strong')).toHaveText(/\.edited-1\.jsonl$/);
    const id = await savedId(page, (await page.locator('.notice.ok strong').textContent())!);
    const moved = { messages: [src[0]!.messages[1], src[0]!.messages[0], src[0]!.messages[2], src[0]!.messages[3]] };
    // The whole-file rule turned #2's weight 0 back to 1 (an explicit weight stays explicit); others had none.
    const second = { messages: [src[1]!.messages[0], { ...src[1]!.messages[1], weight: 1 }, src[1]!.messages[2], src[1]!.messages[3]] };
    expect(await content(id)).toBe([moved, moved, second].map((x) => JSON.stringify(x)).join('\n') + '\n');
  });
  test('a 100 000-example file opens at once and pages as the list scrolls (never the whole file)', async ({ page }) => {
    const n = 100_000;
    const body = Array.from({ length: n }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `question ${i + 1}` }, { role: 'assistant', content: `answer ${i + 1}` }] })).join('\n') + '\n';
    const f = await uploadFile(`many-${uniq()}.jsonl`, body);
    const pages: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes(`/v1/files/${f.id}/examples`)) pages.push(new URL(r.url()).searchParams.get('offset') ?? '');
    });
    const t0 = Date.now();
    await openApp(page, `/files/${f.id}/edit`);
    const rows = page.getByRole('list', { name: 'Examples' });
    await expect(rows.getByText('question 1', { exact: true })).toBeVisible();
    const firstMs = Date.now() - t0;
    await expect(page.getByText('100,000 examples')).toBeVisible();
    const t1 = Date.now();
    await rows.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(rows.getByText(`question ${n}`, { exact: true })).toBeVisible();
    const lastMs = Date.now() - t1;
    console.log(`100k examples: first rows ${firstMs} ms (incl. sign-in), last rows after scrolling ${lastMs} ms, example pages fetched: ${new Set(pages).size}`);
    expect(new Set(pages).size).toBeLessThan(10);
    expect(lastMs).toBeLessThan(10_000);
  });
  test('tool calls and declared tools are shown; closing the tab with unsaved edits asks first', async ({ page }) => {
    const f = await uploadFile(`tools-${uniq()}.jsonl`, readFileSync(join(root, 'resources/datasets/weather-tools.jsonl')));
    await openApp(page, `/files/${f.id}/edit`);
    const detail = page.getByRole('region', { name: 'Selected example' });
    await expect(detail.locator('.tool-call').first()).toContainText('Calls');
    await expect(detail.getByText(/Tools declared \(\d+\)/)).toBeVisible();
    await look(page, 'editor-tools');
    await detail.locator('.weight-toggle').first().click();
    const dialog = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    const d = await dialog;
    expect(d.type()).toBe('beforeunload');
    await d.dismiss();
  });
});
