/**
 * The settings view. The shared e2e server runs with HONE_API_KEY, HONE_MLFLOW and HONE_BENCHMARKS
 * set, so it shows the environment overrides; editing and key rotation run against a second,
 * throw-away server of this spec's own (generated key, no overrides), killed at the end, so the
 * other specs keep their key.
 */
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { startSpare, type Spare } from './spare-server';
import { test, expect, openApp, look, API } from './fixtures';
import { E2E_KEY } from './env';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function openSpare(page: Page, s: Spare, key = s.key): Promise<void> {
  await page.goto(`${s.url}/app/#token=${encodeURIComponent(key)}`);
  await expect(page.getByTestId('server-health')).toContainText('Server online');
  await page.goto(`${s.url}/app/#/settings`);
  await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
  await expect(page.getByTestId('server-url')).toHaveText(s.url);
}

test.describe('settings on the shared server (environment overrides)', () => {
  test('shows what the environment sets as read-only, the key cannot rotate, the snippet copies without the key', async ({ page }) => {
    await openApp(page, '/settings');
    await expect(page.getByTestId('server-url')).toHaveText(API);
    await expect(page.getByText('Set by HONE_BENCHMARKS; edit the environment to change it.')).toBeVisible();
    await expect(page.getByRole('switch', { name: /Benchmark new jobs by default/ })).toBeDisabled();
    await expect(page.getByText('Set by HONE_MLFLOW; edit the environment to change it.')).toBeVisible();
    await expect(page.getByLabel(/Tracking URI/)).toHaveAttribute('readonly', '');
    await expect(page.getByRole('button', { name: 'Rotate key…' })).toBeDisabled();
    await expect(page.getByText(/The key is set by HONE_API_KEY/)).toBeVisible();
    await expect(page.getByTestId('gpu-mode')).toBeVisible();
    await expect(page.getByTestId('disk-free')).toContainText('bytes');
    const snippet = page.getByTestId('sdk-snippet');
    await expect(snippet).toContainText(`client = OpenAI(base_url="${API}/v1", api_key=os.environ["HONE_API_KEY"])`);
    await expect(snippet).toContainText('client.fine_tuning.jobs.create(');
    await page.getByRole('button', { name: 'Copy snippet' }).click();
    await expect(page.getByText('Snippet copied')).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain(`base_url="${API}/v1"`);
    expect(copied).not.toContain(E2E_KEY);
    await page.getByRole('button', { name: 'Copy key' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(E2E_KEY);
    await look(page, 'settings-env-overrides');
  });
});

test.describe('settings on a spare server', () => {
  test.describe.configure({ mode: 'serial' });
  let spare: Spare;
  test.beforeAll(async () => {
    spare = await startSpare('settings');
  });
  test.afterAll(() => {
    spare?.proc.kill('SIGTERM');
    if (spare) rmSync(spare.dir, { recursive: true, force: true });
  });

  test('judge model and benchmarks default persist after a reload', async ({ page }) => {
    await openSpare(page, spare);
    await look(page, 'settings-defaults');
    await page.getByLabel('Base URL').fill('http://127.0.0.1:9/v1');
    await page.getByLabel(/^Model/).fill('judge-e2e-model');
    await page.getByRole('button', { name: 'Save judge' }).click();
    await expect(page.getByText('Judge saved')).toBeVisible();
    const sw = page.getByRole('switch', { name: /Benchmark new jobs by default/ });
    await expect(sw).toBeChecked();
    await sw.uncheck();
    await page.getByRole('button', { name: 'Save benchmarks' }).click();
    await expect(page.getByText('Benchmarks saved')).toBeVisible();
    await page.reload();
    await expect(page.getByLabel(/^Model/)).toHaveValue('judge-e2e-model');
    await expect(page.getByLabel('Base URL')).toHaveValue('http://127.0.0.1:9/v1');
    await expect(page.getByRole('switch', { name: /Benchmark new jobs by default/ })).not.toBeChecked();
    await expect(page.getByText('(saved in Hone)').first()).toBeVisible();
    await look(page, 'settings-saved');
  });

  test('a Hugging Face token is saved but never shown back, and can be cleared', async ({ page }) => {
    const secret = 'hf_e2eSecretTokenValue123';
    await openSpare(page, spare);
    await expect(page.getByTestId('hf-state')).toHaveText('not set');
    const input = page.getByLabel('New token');
    await expect(input).toHaveAttribute('type', 'password');
    await input.fill(secret);
    await page.getByRole('button', { name: 'Save hugging face' }).click();
    await expect(page.getByTestId('hf-state')).toHaveText('set');
    await expect(input).toHaveValue('');
    await page.reload();
    await expect(page.getByTestId('hf-state')).toHaveText('set');
    expect(await page.content()).not.toContain(secret);
    const body = await (await fetch(`${spare.url}/v1/hone/settings`, { headers: { authorization: `Bearer ${spare.key}` } })).text();
    expect(body).not.toContain(secret);
    await look(page, 'settings-hf-set');
    await page.getByRole('button', { name: 'Clear token' }).click();
    await expect(page.getByTestId('hf-state')).toHaveText('not set');
  });

  test("an invalid MLflow URI shows the server's message next to the field; a valid change applies after restart", async ({ page }) => {
    await openSpare(page, spare);
    const field = page.getByLabel(/Tracking URI/);
    await field.fill('ftp://mlflow.example');
    await page.getByRole('button', { name: 'Save mlflow' }).click();
    const err = page.locator('#mlflow-uri-error');
    await expect(err).toBeVisible();
    const res = await fetch(`${spare.url}/v1/hone/settings`, { method: 'PATCH', headers: { authorization: `Bearer ${spare.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ mlflow_uri: 'ftp://mlflow.example' }) });
    const envelope = (await res.json()) as { error: { message: string; param: string } };
    expect(res.status).toBe(400);
    await expect(err).toHaveText(envelope.error.message);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await look(page, 'settings-mlflow-error');
    await field.fill('off');
    await page.getByRole('button', { name: 'Save mlflow' }).click();
    await expect(page.getByText('MLflow saved')).toBeVisible();
    await expect(page.getByTestId('mlflow-status')).toContainText('applies after restart');
    await expect(err).toBeHidden();
  });

  // Last: the spare server's old key stops working.
  test('rotating the key: confirm, the app keeps working, the old key gets 401', async ({ page }) => {
    await openSpare(page, spare);
    const old = spare.key;
    await page.getByRole('button', { name: 'Rotate key…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the API key?' });
    await expect(dialog).toContainText('The old key stops working at once; SDK scripts and other tabs must use the new one.');
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await look(page, 'settings-rotate-confirm');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const fresh = page.getByLabel(/New API key/);
    await expect(fresh).toBeVisible();
    const key = await fresh.inputValue();
    expect(key).not.toBe(old);
    await look(page, 'settings-rotated');
    await page.getByRole('button', { name: 'Copy new key' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    // The tab keeps working: other views and a reload use the new key.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Files/ }).click();
    await page.reload();
    await expect(page.getByTestId('server-health')).toContainText('Server online');
    await page.goto(`${spare.url}/app/#/settings`);
    await expect(page.getByTestId('key-masked')).toHaveText(/…/);
    await expect(page.getByRole('heading', { name: 'Sign in to Hone' })).toHaveCount(0);
    const withOld = await fetch(`${spare.url}/v1/hone/settings`, { headers: { authorization: `Bearer ${old}` } });
    expect(withOld.status).toBe(401);
    const withNew = await fetch(`${spare.url}/v1/hone/settings`, { headers: { authorization: `Bearer ${key}` } });
    expect(withNew.status).toBe(200);
    spare.key = key;
  });
});
