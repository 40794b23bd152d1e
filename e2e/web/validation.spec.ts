/**
 * The validation view against the real server: a clean file, a file with several error
 * categories (each issue links into the editor at its example), and a background validation with
 * hone-tiny-llama's tokenizer (progress, then exact counts) plus a cancelled one.
 */
import { test, expect, openApp, look, uploadFile, api } from './fixtures';

const uniq = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const chat = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: `What is ${i} plus ${i}?` },
      { role: 'assistant', content: `${i + i}. Adding ${i} to itself gives ${i + i}.` },
    ],
  });

test.describe('validation view', () => {
  test('a clean file: verdict, statistics with charts, the auto-epochs rule and the estimate method', async ({ page }) => {
    const f = await uploadFile(`clean-${uniq()}.jsonl`, Array.from({ length: 12 }, (_, i) => chat(i)).join('\n') + '\n');
    await openApp(page, `/files/${f.id}/validation`);
    await expect(page.getByRole('heading', { name: `Validation: ${f.filename}` })).toBeVisible();
    await expect(page.getByTestId('file-facts')).toContainText(f.filename);
    await expect(page.getByRole('heading', { name: 'No errors found' })).toBeVisible();
    await expect(page.getByTestId('token-method')).toHaveText('estimate (~4 bytes per token; pick a model for exact counts)');
    // The cookbook's rule: 12 × 3 = 36 < 100 → 100 // 12 = 8 epochs.
    await expect(page.getByText('12 examples × 3 = 36 is under 100, so 100 ÷ 12 rounded down = 8 epochs (12 × 8 = 96)')).toBeVisible();
    await expect(page.getByRole('row', { name: /Messages per example/ })).toContainText('3');
    await expect(page.locator('.quantile-chart canvas')).toHaveCount(3);
    await expect(page.getByText(/^Tokens per example: number of valid examples per bucket of \d+ tokens?$/)).toBeVisible();
    await expect(page.getByText('Messages per example: quantiles across valid examples', { exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Open in editor' })).toHaveAttribute('href', `#/files/${f.id}/edit`);
    await look(page, 'validation-clean');
    // The charts sit below the fold of the scrolling main area: capture them on their own.
    await page.locator('.chart-grid').scrollIntoViewIfNeeded();
    await page.locator('.chart-grid').screenshot({ path: 'test-results/screenshots/validation-charts.png' });
  });

  test('a broken file: errors grouped by category, each linking into the editor at its example', async ({ page }) => {
    const lines = [
      chat(1),
      '{"messages": [{"role": "user", "content": "hi"}',
      JSON.stringify({ messages: [{ role: 'user', content: 'no reply' }] }),
      JSON.stringify({ messages: [{ role: 'wizard', content: 'abracadabra' }, { role: 'assistant', content: 'ok' }] }),
      JSON.stringify({ messages: [{ role: 'user' }, { role: 'assistant', content: 'ok' }] }),
      '{"messages": [broken',
      chat(2),
    ];
    const f = await uploadFile(`broken-${uniq()}.jsonl`, lines.join('\n') + '\n');
    await openApp(page, `/files/${f.id}/validation`);
    await expect(page.getByRole('heading', { name: /errors? in 5 examples/ })).toBeVisible();
    const errors = page.getByRole('region', { name: 'Errors' });
    const json = errors.locator('[data-category="invalid_json"]');
    await expect(json.getByRole('heading')).toContainText('Invalid JSON');
    await expect(json.getByRole('heading')).toContainText('2');
    await expect(errors.locator('[data-category="example_missing_assistant_message"]')).toContainText('No assistant message');
    await expect(errors.locator('[data-category="unrecognized_role"]')).toContainText('Unknown role');
    expect(await errors.locator('.issue-group').count()).toBeGreaterThanOrEqual(4);
    await look(page, 'validation-errors');
    // The issue on line 4 (example 4) opens the editor there.
    await errors.locator('[data-category="unrecognized_role"]').getByRole('link', { name: /example 4/ }).click();
    await expect(page).toHaveURL(new RegExp(`#/files/${f.id}/edit\\?example=4$`));
    await page.goBack();
    await json.getByRole('link', { name: /example 6/ }).click();
    await expect(page).toHaveURL(new RegExp(`#/files/${f.id}/edit\\?example=6$`));
  });

  test('a background validation with hone-tiny-llama shows progress, then exact token counts; another is cancelled', async ({ page }) => {
    test.setTimeout(240_000);
    // ~6 MB: long enough for the tokenised pass (~3 MB/s) to show progress.
    const filler = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
    const body = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: ${filler}` }, { role: 'assistant', content: `Answer ${i}: ${filler}` }] })).join('\n') + '\n';
    const f = await uploadFile(`big-${uniq()}.jsonl`, body);
    await openApp(page, `/files/${f.id}/validation`);
    await expect(page.getByRole('heading', { name: 'No errors found' })).toBeVisible({ timeout: 60_000 });
    const picker = page.getByLabel('Count tokens with model');
    await expect(picker.locator('option').nth(1)).toHaveText(/\(Built-in\)$/); // built-ins first
    await picker.selectOption('hone-tiny-llama');
    await page.getByRole('button', { name: 'Validate with hone-tiny-llama' }).click();
    const status = page.getByTestId('run-status');
    await expect(status).toBeVisible();
    await expect(status).toContainText(/Preparing hone-tiny-llama|Validating with hone-tiny-llama/);
    await expect(page).toHaveURL(/[?&]run=/);
    await page.screenshot({ path: 'test-results/screenshots/validation-running.png', fullPage: true });
    await expect(status.getByRole('progressbar', { name: 'Validation progress' })).toBeVisible();
    await expect(page.getByTestId('token-method')).toHaveText("exact, with hone-tiny-llama's tokenizer and chat template", { timeout: 180_000 });
    const perEpoch = Number((await page.getByTestId('tokens-per-epoch').innerText()).replace(/,/g, ''));
    expect(perEpoch).toBeGreaterThan(3000 * 100);
    await look(page, 'validation-exact');

    // A second run, cancelled while it reads.
    await page.getByRole('button', { name: 'Validate with hone-tiny-llama' }).click();
    await status.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByText('The validation was cancelled.')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No errors found' })).toBeVisible();
    await look(page, 'validation-cancelled');
  });

  test('a model that is not installed: the server error appears next to the model field', async ({ page }) => {
    const models = (await (await api('/v1/models')).json()) as { data: Array<{ id: string; kind: string; path: string | null }> };
    const hub = models.data.find((m) => m.kind === 'hub' && m.path === null);
    // The catalog always lists the seed's hub aliases (e.g. Meta-Llama-3.1-8B-Instruct), none installed here.
    expect(hub, 'an uninstalled hub model in /v1/models').toBeDefined();
    const f = await uploadFile(`model-err-${uniq()}.jsonl`, chat(1) + '\n');
    await openApp(page, `/files/${f.id}/validation`);
    await expect(page.getByRole('heading', { name: 'No errors found' })).toBeVisible();
    await page.getByLabel('Count tokens with model').selectOption(hub!.id);
    await page.getByRole('button', { name: `Validate with ${hub!.id}` }).click();
    const err = page.locator('#val-model-error');
    await expect(err).toBeVisible();
    await expect(page.getByLabel('Count tokens with model')).toHaveAttribute('aria-invalid', 'true');
    await look(page, 'validation-model-error');
  });

  test('a run that does not exist shows the server message and the latest report', async ({ page }) => {
    const f = await uploadFile(`no-run-${uniq()}.jsonl`, chat(1) + '\n');
    await openApp(page, `/files/${f.id}/validation?run=valrun_does_not_exist`);
    await expect(page.getByRole('alert').filter({ hasText: 'valrun_does_not_exist' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No errors found' })).toBeVisible();
    await look(page, 'validation-missing-run');
  });
});
