/**
 * The "done when", through the UI only, on the FULL server (MLflow and post-job
 * benchmarks on) with the real trainer on the CPU: upload → validate → wizard (its estimate is
 * what the job then reports) → the job runs (trainer lines in the console, points in the loss
 * chart) → succeeded → benchmark table and needle plots → the Experiments view shows the job's
 * experiment with its training and benchmark runs through the proxy → a second job paused,
 * resumed and cancelled from its page. The API is used only to read what the UI should show.
 */
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openApp, look, api, FULL } from './fixtures';

const MARV = resolve(import.meta.dirname, '../../resources/datasets/marv-chat.jsonl');

interface Job {
  id: string;
  status: string;
  trained_tokens: number | null;
  fine_tuned_model: string | null;
  hyperparameters: Record<string, unknown>;
  hone: { step: number | null; total_steps: number | null; benchmark: { status: string } | null; mlflow: Record<string, string> | null };
}
const getJob = async (id: string) => (await (await api(`/v1/fine_tuning/jobs/${id}`, {}, FULL)).json()) as Job;
/** The console's text as the terminal holds it (the console component exposes its buffer for tests). */
const terminalText = (page: Page) => page.getByTestId('console').evaluate((el) => (el as unknown as { honeConsole: { text(): string[] } }).honeConsole.text().join('\n'));
const jobIdOf = (page: Page) => /#\/jobs\/(ftjob-[^/?]+)/.exec(page.url())![1]!;

/** Fills the wizard for hone-tiny-llama on `fileId`; returns the estimate's steps and tokens. */
async function fillWizard(page: Page, fileId: string, opts: { epochs: string; benchmarks: boolean }): Promise<{ steps: number; tokens: number }> {
  await expect(page.getByRole('heading', { name: 'New fine-tuning job', level: 1 })).toBeVisible();
  await page.locator('[data-model="hone-tiny-llama"] input[type=radio]').check();
  await expect(page.locator(`#nj-training_file-${fileId}`)).toBeChecked();
  await page.getByLabel('Epochs', { exact: true }).fill(opts.epochs);
  await page.getByLabel('Benchmark the fine-tuned model against its base after training').setChecked(opts.benchmarks);
  const est = page.getByTestId('estimate');
  await expect(est.getByTestId('estimate-steps')).toHaveText(/^\d[\d,]*$/, { timeout: 90_000 });
  await expect(est).not.toHaveAttribute('aria-busy', 'true');
  const num = async (id: string) => Number((await est.getByTestId(id).innerText()).replace(/,/g, ''));
  return { steps: await num('estimate-steps'), tokens: await num('estimate-tokens') };
}

test('the seed flow in the UI: dataset → validated → fine-tuned → benchmarked → in MLflow; pause, resume, cancel', async ({ page }) => {
  test.setTimeout(1_200_000);

  // 1. Upload the sample through the Files view; it validates on its own.
  await openApp(page, '/files', FULL);
  await page.getByLabel('Files to upload').first().setInputFiles(MARV);
  const row = page.getByTestId('file-row').filter({ hasText: 'marv-chat.jsonl' }).first();
  await expect(row.getByTestId('file-status')).toHaveText('processed', { timeout: 60_000 });
  const fileId = (await row.getAttribute('data-file-id'))!;

  // 2. Its validation report, then "Fine-tune on this file".
  await page.goto(`${FULL}/app/#/files/${fileId}/validation`);
  await expect(page.getByRole('heading', { name: 'No errors found' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('link', { name: /Fine-tune on this file/ }).click();
  await expect(page).toHaveURL(/#\/jobs\/new/);

  // 3. The wizard: the server's estimate before submit.
  const estimate = await fillWizard(page, fileId, { epochs: '2', benchmarks: true });
  expect(estimate.steps).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Create fine-tuning job' }).click();
  await expect(page).toHaveURL(/#\/jobs\/ftjob-/);
  const jobId = jobIdOf(page);

  // 4. While it runs: trainer lines in the console and points in the loss chart.
  await expect(page.getByTestId('job-status')).toHaveText(/running|succeeded/i, { timeout: 180_000 });
  await expect.poll(() => terminalText(page), { timeout: 180_000 }).toMatch(/loss|step|hone/i);
  await expect.poll(async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points')), { timeout: 180_000 }).toBeGreaterThan(0);
  await look(page, 'seed-job-running');

  // 5. Succeeded, with what the estimate said.
  await expect(page.getByTestId('job-status')).toHaveText(/succeeded/i, { timeout: 600_000 });
  const done = await getJob(jobId);
  expect(done.hone.total_steps).toBe(estimate.steps);
  expect(done.trained_tokens).toBe(estimate.tokens);
  await expect(page.getByTestId('fine-tuned-model')).toContainText(done.fine_tuned_model!);

  // 6. The benchmark that followed: lm-eval table with base, fine-tuned and change; needle heatmap and both plots.
  const results = page.getByTestId('benchmark-results');
  await expect(results).toBeVisible({ timeout: 900_000 });
  await expect(results.getByRole('table').first()).toBeVisible();
  await expect(results.locator('[data-testid^="heatmap-"]').first()).toBeVisible();
  await expect(results.locator('[data-testid^="needle-chart-"]')).toHaveCount(2);
  expect((await getJob(jobId)).hone.benchmark?.status).toBe('succeeded');
  await look(page, 'seed-job-succeeded');

  // 7. Experiments: the job's experiment in MLflow through the proxy, with both runs.
  const mlflow = (await getJob(jobId)).hone.mlflow!;
  expect(mlflow.train_run_id && mlflow.benchmark_run_id).toBeTruthy();
  await page.getByRole('link', { name: 'Training run' }).click();
  await expect(page).toHaveURL(new RegExp(`#/experiments\\?experiment=${mlflow.experiment_id}&run=${mlflow.train_run_id}`));
  const frame = page.frameLocator('[data-testid=mlflow-frame]');
  await expect(frame.getByText(`${jobId} train`).first()).toBeVisible({ timeout: 180_000 });
  await look(page, 'seed-experiments-run', { exclude: ['[data-testid=mlflow-frame]'] });
  // The experiment: its run list holds the training and the benchmark run.
  await page.goto(`${FULL}/app/#/experiments?experiment=${mlflow.experiment_id}`);
  await expect(frame.getByText(`${jobId} train`).first()).toBeVisible({ timeout: 180_000 });
  await expect(frame.getByText(`${jobId} benchmark`).first()).toBeVisible({ timeout: 60_000 });

  // 8. A second job, paused, resumed and cancelled from its page.
  await page.goto(`${FULL}/app/#/jobs/new?model=hone-tiny-llama&training_file=${fileId}`);
  await fillWizard(page, fileId, { epochs: '8', benchmarks: false });
  await page.getByRole('button', { name: 'Create fine-tuning job' }).click();
  await expect(page).toHaveURL(/#\/jobs\/ftjob-/);
  const second = jobIdOf(page);
  expect(second).not.toBe(jobId);
  await expect(page.getByTestId('job-status')).toHaveText(/running/i, { timeout: 180_000 });
  await expect.poll(async () => (await getJob(second)).hone.step ?? 0, { timeout: 180_000 }).toBeGreaterThan(0);
  await page.getByTestId('job-pause').click();
  await expect(page.getByTestId('job-status')).toHaveText(/paused/i, { timeout: 180_000 });
  await expect(page.getByTestId('job-resume')).toBeEnabled();
  await page.getByTestId('job-resume').click();
  await expect(page.getByTestId('job-status')).toHaveText(/queued|running/i, { timeout: 60_000 });
  await page.getByTestId('job-cancel').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel job' }).click();
  await expect(page.getByTestId('job-status')).toHaveText(/cancelled/i, { timeout: 120_000 });
  expect((await getJob(second)).status).toBe('cancelled');
});
