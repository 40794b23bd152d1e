/**
 * The Models view against a headless Hone of this spec's own, whose HF_ENDPOINT is a local hub
 * (tests/node/helpers/local-hub.ts serving the server's own prepared hone-tiny-llama as
 * `acme/tiny-chat`, throttled so the download shows progress) and whose HF cache is a temp dir.
 * Closing the hub at the end makes it unreachable for the error case.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openApp, look, api, uploadFile } from './fixtures';
import { E2E_KEY } from './env';
import { startLocalHub, type LocalHub } from '../../tests/node/helpers/local-hub';

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

let proc: ChildProcess;
let hub: LocalHub;
let url = '';
// Made in beforeAll: the runner also loads this file to list the tests, and that copy never cleans up.
let dataDir = '';
let hfHome = '';

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hone-models-e2e-'));
  hfHome = mkdtempSync(join(tmpdir(), 'hone-models-e2e-hf-'));
  hub = await startLocalHub({ 'acme/tiny-chat': join(dataDir, 'models', 'hone-tiny-llama') }, { bytesPerSecond: 250_000 });
  const env: NodeJS.ProcessEnv = { ...process.env, HONE_API_KEY: E2E_KEY, HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off', HF_ENDPOINT: hub.endpoint, HF_HOME: hfHome };
  delete env.HF_HUB_OFFLINE;
  const port = await freePort();
  proc = spawn(process.execPath, ['--import', 'tsx', 'electron/core/headless.ts', '--port', String(port), '--data-dir', dataDir], {
    cwd: resolve(import.meta.dirname, '../..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}\n${err}`)), 60_000);
    proc.once('exit', (code) => fail(new Error(`server exited ${code}:\n${out}\n${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /HONE_READY (\{.*\})/.exec(out);
      if (ready) {
        clearTimeout(timer);
        ok((JSON.parse(ready[1]!) as { url: string }).url);
      }
    });
  });
});

test.afterAll(async () => {
  await hub?.close();
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (hfHome) rmSync(hfHome, { recursive: true, force: true });
});

const row = (page: Page, id: string) => page.locator(`[data-testid="model-row"][data-model-id="${id}"]`);

test('the list says what each kind is, with sizes, parameters and what a model needs', async ({ page }) => {
  await openApp(page, '/models', url);
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  const tiny = row(page, 'hone-tiny-llama');
  await expect(tiny).toContainText('Not prepared');
  await expect(tiny).toContainText('1.68 MB');
  await expect(tiny).toContainText('408 K');
  await expect(tiny).toContainText('To train: the CPU is enough');
  const llama = row(page, 'Meta-Llama-3.1-8B-Instruct');
  await expect(llama).toContainText('8.0 B');
  await expect(llama).toContainText('meta-llama/Llama-3.1-8B-Instruct');
  await expect(llama.getByRole('button', { name: 'Download' })).toBeVisible();
  // Empty groups say what to do.
  await expect(page.getByTestId('models-group-fine-tuned')).toContainText('No fine-tuned models yet');
  await expect(page.getByTestId('models-group-fine-tuned').getByRole('link', { name: 'Start a fine-tuning job' })).toBeVisible();
  await expect(page.getByTestId('models-group-local')).toContainText(join(dataDir, 'models'));
  // Per-row actions link to the wizard and the benchmarks with the model chosen.
  await expect(tiny.getByRole('link', { name: 'Fine-tune' })).toHaveAttribute('href', '#/jobs/new?model=hone-tiny-llama');
  await expect(tiny.getByRole('link', { name: 'Benchmark' })).toHaveAttribute('href', '#/benchmarks?model=hone-tiny-llama');
  // The filter narrows the groups.
  await page.getByLabel('Show').selectOption('fine-tuned');
  await expect(page.getByTestId('models-group-builtin')).toHaveCount(0);
  await page.getByLabel('Show').selectOption('all');
  await page.getByLabel('Filter').fill('llama-3.2');
  await expect(page.getByTestId('model-row')).toHaveCount(2);
  await page.getByLabel('Filter').fill('');
  await look(page, 'models-list');
});

test('preparing a built-in shows a progress bar and ends ready', async ({ page }) => {
  await openApp(page, '/models', url);
  const tiny = row(page, 'hone-tiny-llama');
  await tiny.getByRole('button', { name: 'Prepare' }).click();
  await expect(tiny.getByRole('progressbar', { name: 'Preparing hone-tiny-llama' })).toBeVisible();
  await expect(tiny.getByTestId('model-progress-text')).toContainText('of 1.68 MB');
  await expect(tiny.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  await expect(tiny.getByRole('progressbar')).toHaveCount(0);
  await expect(tiny.getByRole('button', { name: 'Prepare' })).toHaveCount(0);
});

test('a Hugging Face id is checked on the hub, then downloads with progress', async ({ page, consoleErrors }) => {
  await openApp(page, '/models', url);
  const input = page.getByLabel('Model id');
  await input.fill('gpt2');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.locator('#hub-model-error')).toHaveText('A Hugging Face id looks like org/name, e.g. Qwen/Qwen2.5-0.5B-Instruct.');
  await expect(input).toHaveAttribute('aria-invalid', 'true');

  await input.fill('acme/no-such-model');
  await page.getByRole('button', { name: 'Check' }).click();
  await expect(page.locator('#hub-model-error')).toContainText("The model 'acme/no-such-model' does not exist on the Hugging Face hub");

  await input.fill('https://huggingface.co/acme/tiny-chat');
  await page.getByRole('button', { name: 'Check' }).click();
  const found = page.getByTestId('hub-found');
  await expect(found).toContainText('Found on the hub · 1.68 MB to download · 408 K parameters');
  await expect(input).toHaveValue('acme/tiny-chat');
  await expect(input).toHaveAttribute('aria-invalid', 'false');
  await found.getByRole('button', { name: 'Download acme/tiny-chat' }).click();

  const r = row(page, 'acme/tiny-chat');
  await expect(r.getByRole('progressbar', { name: 'Downloading acme/tiny-chat' })).toBeVisible();
  await expect(r.getByTestId('model-progress-text')).toContainText('of 1.68 MB');
  await expect(r.getByTestId('model-status')).toContainText('Ready', { timeout: 90_000 });
  await expect(r).toContainText('1.68 MB');
  expect(hub.downloads).toContain('acme/tiny-chat');
  removeExpected(consoleErrors, /status of 404/);
});

test('a fine-tuned model shows its base and job, and deleting it asks first', async ({ page }) => {
  test.setTimeout(240_000);
  const file = await uploadFile('models-e2e.jsonl', chat(12), 'fine-tune', url);
  const res = await api('/v1/fine_tuning/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1 }, suffix: 'models' }) }, url);
  const job = (await res.json()) as { id: string };
  let ft: string | null = null;
  await expect
    .poll(
      async () => {
        const j = (await (await api(`/v1/fine_tuning/jobs/${job.id}`, {}, url)).json()) as { status: string; fine_tuned_model: string | null };
        ft = j.fine_tuned_model;
        return j.status;
      },
      { timeout: 180_000, intervals: [1000] },
    )
    .toBe('succeeded');

  await openApp(page, '/models', url);
  const r = row(page, ft!);
  await expect(r).toContainText(`Fine-tuned from hone-tiny-llama by job ${job.id}`);
  await expect(r.getByRole('link', { name: job.id })).toHaveAttribute('href', `#/jobs/${job.id}`);
  await expect(r.getByRole('link', { name: 'Fine-tune its base' })).toHaveAttribute('href', '#/jobs/new?model=hone-tiny-llama');
  await expect(r.getByRole('link', { name: 'Fine-tune its base' })).toHaveAttribute('title', /cannot be the base of a new job yet/);
  await look(page, 'models');

  await r.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${ft!}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`that job ${job.id} made`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(r).toBeVisible();
  expect((await api(`/v1/models/${encodeURIComponent(ft!)}`, {}, url)).status).toBe(200);

  await r.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete model' }).click();
  await expect(r).toHaveCount(0);
  await expect(page.getByTestId('models-group-fine-tuned')).toContainText('No fine-tuned models yet');
  expect((await api(`/v1/models/${encodeURIComponent(ft!)}`, {}, url)).status).toBe(404);
});

test('when the hub cannot be reached, the error is readable next to the input', async ({ page, consoleErrors }) => {
  await hub.close(); // HF_ENDPOINT now points at a closed port
  await openApp(page, '/models', url);
  const input = page.getByLabel('Model id');
  await input.fill('acme/another-model');
  await page.getByRole('button', { name: 'Check' }).click();
  const err = page.locator('#hub-model-error');
  await expect(err).toContainText('The Hugging Face hub cannot be reached from this machine');
  await expect(err).toContainText(`copy the model into ${join(dataDir, 'models', 'acme', 'another-model')} or set HF_ENDPOINT to a mirror`);
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(input).toHaveAttribute('aria-describedby', 'hub-model-error');
  await look(page, 'models-hub-error');
  removeExpected(consoleErrors, /status of 503/);
});

/** The browser logs the API's 5xx answers the test provoked on purpose. */
function removeExpected(errors: string[], pattern: RegExp) {
  for (let i = errors.length - 1; i >= 0; i--) if (pattern.test(errors[i]!)) errors.splice(i, 1);
}

function chat(n: number): string {
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(JSON.stringify({ messages: [{ role: 'user', content: `Word ${i % 3}?` }, { role: 'assistant', content: ['alpha', 'beta', 'gamma'][i % 3] }] }));
  return rows.join('\n') + '\n';
}
