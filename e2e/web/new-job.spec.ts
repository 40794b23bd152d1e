/**
 * The new-job wizard against the real server and trainer (CPU, hone-tiny-llama): the estimate is
 * what the job then reports, files with errors cannot be chosen (reason + editor link), server
 * errors land next to their fields, Copy as code is the request the form sends, and the whole
 * form works from the keyboard.
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect, openApp, look, api, uploadFile } from './fixtures';
import { E2E_KEY } from './env';

const uniq = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

interface FileObj {
  id: string;
  filename: string;
  status: string;
}
interface Job {
  id: string;
  status: string;
  suffix: string | null;
  training_file: string;
  trained_tokens: number | null;
  fine_tuned_model: string | null;
  hyperparameters: Record<string, unknown>;
  error: unknown;
  hone: { total_steps: number | null; hyperparameters: Record<string, unknown>; benchmarks: unknown };
}

async function settled(id: string): Promise<FileObj> {
  for (let i = 0; i < 100; i++) {
    const f = (await (await api(`/v1/files/${id}`)).json()) as FileObj;
    if (f.status !== 'uploaded') return f;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`file ${id} still validating`);
}

async function importSample(name: string): Promise<FileObj> {
  const res = await api(`/v1/hone/samples/${name}/import`, { method: 'POST' });
  expect(res.status).toBe(200);
  return settled(((await res.json()) as FileObj).id);
}

const getJob = async (id: string) => (await (await api(`/v1/fine_tuning/jobs/${id}`)).json()) as Job;
const cancel = (id: string) => api(`/v1/fine_tuning/jobs/${id}/cancel`, { method: 'POST' });
const trainingRadio = (page: Page, id: string) => page.locator(`#nj-training_file-${id}`);
/** A file's card in the training picker (the validation picker lists the same files). */
const trainingOption = (page: Page, id: string) => page.getByRole('radiogroup', { name: 'Training file' }).locator(`[data-testid="file-option"][data-file-id="${id}"]`);
const modelRadio = (page: Page, id: string) => page.locator(`[data-model="${id}"] input[type=radio]`);

/** The JSON a copied curl command sends (its single-quoted -d word). */
function curlJson(code: string): unknown {
  const word = code.slice(code.indexOf("-d '") + 4, code.lastIndexOf("'"));
  return JSON.parse(word.replace(/'\\''/g, "'"));
}

/** Tab (forward) until `target` (a selector or a locator) has the focus. */
async function tabTo(page: Page, target: string | Locator, max = 150): Promise<void> {
  const loc = typeof target === 'string' ? page.locator(target) : target;
  for (let i = 0; i < max; i++) {
    if (await loc.evaluateAll((els) => els.some((el) => el === document.activeElement))) return;
    await page.keyboard.press('Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`Tab never reached ${String(target)} (focus is on ${at})`);
}

test.describe('new fine-tuning job', () => {
  test('the estimate is what the job then does; Copy as code is the request the form sends', async ({ page }) => {
    test.setTimeout(420_000);
    const file = await importSample('marv-chat.jsonl');
    await openApp(page, '/jobs/new');
    await expect(page.getByRole('heading', { name: 'New fine-tuning job', level: 1 })).toBeVisible();
    await expect(page.getByTestId('estimate-empty')).toBeVisible();

    // Built-ins show what they are and what they need.
    const tiny = page.locator('[data-model="hone-tiny-llama"]');
    await expect(tiny).toContainText('Needs:');
    await modelRadio(page, 'hone-tiny-llama').check();
    await expect(trainingOption(page, file.id)).toHaveAttribute('data-state', 'valid');
    await expect(trainingOption(page, file.id)).toContainText('No errors · chat · 12 examples');
    await trainingRadio(page, file.id).check();
    await page.getByLabel('Epochs', { exact: true }).fill('2');
    // Benchmarks off, said explicitly in the request (on, then off: whatever the server's default).
    const bench = page.getByLabel('Benchmark the fine-tuned model against its base after training');
    await bench.setChecked(true);
    await expect(page.getByLabel(/^LM Evaluation Harness/)).toBeChecked();
    await bench.setChecked(false);
    // The system status (GPUs, Python health) can take a while on a busy machine's first call.
    await expect(page.getByTestId('gpu-info')).toContainText('CPU mode: one job at a time', { timeout: 60_000 });
    await expect(page.getByTestId('adapter-qlora').locator('input')).toBeDisabled();
    await expect(page.getByTestId('adapter-qlora')).toContainText('Needs an NVIDIA GPU');

    // The server's estimate: steps, tokens, the resolved values next to the auto fields.
    const panel = page.getByTestId('estimate');
    await expect(panel.getByTestId('estimate-steps')).toHaveText(/^\d[\d,]*$/, { timeout: 60_000 });
    await expect(panel.getByTestId('estimate-examples')).toHaveText('12');
    await expect(panel).not.toHaveAttribute('aria-busy', 'true');
    const num = async (id: string) => Number((await panel.getByTestId(id).innerText()).replace(/,/g, ''));
    const steps = await num('estimate-steps');
    const tokens = await num('estimate-tokens');
    expect(steps).toBeGreaterThan(0);
    expect(tokens).toBeGreaterThan(0);
    await expect(page.getByTestId('resolved-batch_size')).toHaveText(/^auto → \d+$/);
    await expect(page.getByTestId('truncated')).toContainText('12 examples');
    await expect(panel.getByTestId('estimate-basis')).toHaveText(/No measurement on this machine yet|measured/);
    const table = panel.getByTestId('estimate-hyperparameters');
    const shown = async (k: string) => (await table.locator(`tr[data-key="${k}"] td`).innerText()).replace(/,/g, '');
    const shownEpochs = await shown('n_epochs');
    const shownBatch = await shown('batch_size');
    expect(shownEpochs).toBe('2');
    await look(page, 'new-job');

    // Copy as code: Python and curl, never the key; curl's JSON is the body submit sends.
    const py = page.getByTestId('code-python');
    await expect(py).toContainText('client.fine_tuning.jobs.create(');
    await expect(py).toContainText('model="hone-tiny-llama"');
    await expect(py).toContainText(`training_file="${file.id}"`);
    await expect(py).toContainText('api_key=os.environ["HONE_API_KEY"]');
    await page.getByRole('radio', { name: 'curl' }).check();
    const curl = page.getByTestId('code-curl');
    await expect(curl).toContainText('-H "Authorization: Bearer $HONE_API_KEY"');
    const curlText = await curl.innerText();
    expect(curlText).not.toContain(E2E_KEY);

    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/v1/fine_tuning/jobs'));
    await page.getByRole('button', { name: 'Create fine-tuning job' }).click();
    const body = (await sent).postDataJSON() as unknown;
    expect(curlJson(curlText)).toEqual(body);
    expect(body).toMatchObject({ model: 'hone-tiny-llama', training_file: file.id, hone: { benchmarks: false } });
    await expect(page).toHaveURL(/#\/jobs\/ftjob-/);
    const jobId = /#\/jobs\/(ftjob-[^/?]+)/.exec(page.url())![1]!;

    // Once it runs, the job reports the estimate's steps and hyperparameters; at the end its tokens.
    // The estimate the page showed is the server's answer for the body it sent…
    const est = (await (await api('/v1/hone/estimate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { total_steps: number; trained_tokens: number; hyperparameters: Record<string, unknown> };
    expect(est.total_steps).toBe(steps);
    expect(est.trained_tokens).toBe(tokens);
    // …and, once the job has started, every hyperparameter the trainer resolved is the estimate's.
    await expect.poll(async () => (await getJob(jobId)).hone.total_steps, { timeout: 180_000 }).not.toBeNull();
    const started = await getJob(jobId);
    expect(started.hone.total_steps).toBe(steps);
    expect(String(started.hyperparameters.n_epochs)).toBe(shownEpochs);
    expect(String(started.hyperparameters.batch_size)).toBe(shownBatch);
    for (const [k, v] of Object.entries(est.hyperparameters)) if (k !== 'seed') expect(started.hone.hyperparameters[k], k).toEqual(v);
    await expect.poll(async () => (await getJob(jobId)).status, { timeout: 300_000 }).toMatch(/succeeded|failed|cancelled/);
    const done = await getJob(jobId);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.trained_tokens).toBe(tokens);
    expect(done.hone.benchmarks).toBe(false);

    // The new fine-tuned model is listed in the wizard, not choosable as a base, with the reason.
    await page.goto(page.url().replace(/#.*$/, '#/jobs/new'));
    await page.getByText(/^Your fine-tuned models \(\d+\)/).click();
    const ft = page.locator(`[data-model="${done.fine_tuned_model}"]`);
    await expect(ft.locator('input')).toBeDisabled();
    await expect(ft.locator('.reason')).not.toBeEmpty();

    // The same model and data again: the time now comes from the throughput that job measured.
    await modelRadio(page, 'hone-tiny-llama').check();
    await trainingRadio(page, file.id).check();
    await expect(page.getByTestId('estimate-basis')).toContainText(`measured on job ${jobId}`, { timeout: 60_000 });
    await expect(page.getByTestId('estimate-time')).toContainText(/about \d/);
  });

  test('a file with errors cannot be chosen and says why; DPO wants preference files; Files → Fine-tune prefills', async ({ page }) => {
    const good = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
    const bad = await uploadFile(`broken-${uniq()}.jsonl`, [good, '{"messages": [broken', JSON.stringify({ messages: [{ role: 'user', content: 'no reply' }] }), good].join('\n') + '\n');
    await settled(bad.id);
    const chat = await importSample('marv-chat.jsonl');
    const pref = await importSample('marv-preference.jsonl');

    await openApp(page, `/jobs/new?model=hone-tiny-llama&training_file=${chat.id}`);
    await expect(modelRadio(page, 'hone-tiny-llama')).toBeChecked();
    await expect(trainingRadio(page, chat.id)).toBeChecked();

    const option = trainingOption(page, bad.id);
    await expect(option).toHaveAttribute('data-state', 'errors');
    await expect(trainingRadio(page, bad.id)).toBeDisabled();
    await expect(option).toContainText(/2 errors — first: line 2: /);
    await expect(option.getByRole('link', { name: `Fix ${bad.filename} in the editor` })).toHaveAttribute('href', `#/files/${bad.id}/edit`);

    // DPO: chat files are out (with the reason), preference files in; the chosen chat file is flagged.
    await page.getByRole('radio', { name: 'DPO (preference)' }).check();
    await expect(trainingOption(page, chat.id)).toContainText('DPO needs preference pairs');
    await expect(page.getByTestId('error-training_file')).toContainText('DPO needs preference pairs');
    await trainingRadio(page, pref.id).check();
    await expect(page.getByTestId('error-training_file')).toHaveCount(0);
    await expect(page.getByLabel('Beta', { exact: true })).toBeVisible();
    await look(page, 'new-job-dpo');

    await option.getByRole('link', { name: `Fix ${bad.filename} in the editor` }).click();
    await expect(page).toHaveURL(new RegExp(`#/files/${bad.id}/edit$`));

    // The form survives leaving and coming back; Reset empties it.
    await page.goto(page.url().replace(/#.*$/, '#/jobs/new'));
    await expect(trainingRadio(page, pref.id)).toBeChecked();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(trainingRadio(page, pref.id)).not.toBeChecked();
    await expect(page.getByRole('radio', { name: 'Supervised' })).toBeChecked();

    // The Files table's Fine-tune action opens the wizard with the file chosen.
    await page.goto(page.url().replace(/#.*$/, '#/files'));
    await page.locator(`[data-testid="file-row"][data-file-id="${chat.id}"]`).getByRole('link', { name: 'Fine-tune' }).click();
    await expect(page).toHaveURL(/#\/jobs\/new$/);
    await expect(trainingRadio(page, chat.id)).toBeChecked();
  });

  test('server errors show next to their fields', async ({ page }) => {
    const file = await importSample('marv-chat.jsonl');
    const gone = await importSample('marv-chat.jsonl');
    await openApp(page, '/jobs/new');
    await page.getByRole('button', { name: 'Reset' }).click();

    // Nothing chosen: the client check names both fields and keeps the request from leaving.
    await page.getByRole('button', { name: 'Create fine-tuning job' }).click();
    await expect(page.getByTestId('error-model')).toHaveText('Choose a base model.');
    await expect(page.getByTestId('error-training_file')).toHaveText('Choose a training file.');

    // An unknown model: the server's answer (lookup, estimate or create) sits at the model field.
    await page.getByLabel('Hugging Face model id').fill('no-such-model-xyz');
    await trainingRadio(page, file.id).check();
    await expect(page.getByTestId('error-model')).toContainText('no-such-model-xyz', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Create fine-tuning job' }).click();
    await expect(page).toHaveURL(/#\/jobs\/new$/);
    await expect(page.getByTestId('error-model')).toContainText('no-such-model-xyz');
    await expect(page.getByLabel('Hugging Face model id')).toHaveAttribute('aria-invalid', 'true');

    // Out of range values are flagged before anything is sent, in words.
    await modelRadio(page, 'hone-tiny-llama').check();
    await page.getByLabel('Epochs', { exact: true }).fill('500');
    await page.getByLabel('Seed', { exact: true }).fill('-4');
    await expect(page.getByTestId('error-hyperparameters.n_epochs')).toHaveText('At most 50.');
    await expect(page.getByTestId('error-seed')).toHaveText('At least 0.');
    await page.getByLabel('Epochs: auto').check();
    await page.getByLabel('Seed', { exact: true }).fill('');

    // A file deleted after it was chosen: create (and the estimate) answer 400 naming training_file.
    await trainingRadio(page, gone.id).check();
    await api(`/v1/files/${gone.id}`, { method: 'DELETE' });
    await page.getByRole('button', { name: 'Create fine-tuning job' }).click();
    await expect(page.getByTestId('error-training_file')).toContainText(gone.id);
    await expect(page).toHaveURL(/#\/jobs\/new$/);
    await look(page, 'new-job-errors');
  });

  test('keyboard only: the whole form is filled and submitted without a mouse', async ({ page }) => {
    const file = await importSample('marv-chat.jsonl');
    await openApp(page, '/jobs/new');
    await page.getByRole('button', { name: 'Reset' }).focus();
    await page.keyboard.press('Enter');

    // The model radios are one Tab stop; arrows move within them, Space picks.
    await tabTo(page, 'input[name="nj-model"]');
    for (let i = 0; i < 20 && !(await modelRadio(page, 'hone-tiny-llama').isChecked()); i++) {
      if (await page.evaluate(() => (document.activeElement as HTMLInputElement).value === 'hone-tiny-llama')) await page.keyboard.press('Space');
      else await page.keyboard.press('ArrowDown');
    }
    await expect(modelRadio(page, 'hone-tiny-llama')).toBeChecked();

    // The training file: Tab into its group, arrows to the file.
    await tabTo(page, 'input[name="nj-training_file"]');
    for (let i = 0; i < 40 && !(await trainingRadio(page, file.id).isChecked()); i++) {
      if (await page.evaluate((id) => (document.activeElement as HTMLInputElement).value === id, file.id)) await page.keyboard.press('Space');
      else await page.keyboard.press('ArrowDown');
    }
    await expect(trainingRadio(page, file.id)).toBeChecked();

    await tabTo(page, page.getByLabel('Epochs', { exact: true }));
    await page.keyboard.type('1');
    await tabTo(page, page.getByLabel('Suffix', { exact: true }));
    await page.keyboard.type('kbd');
    const bench = page.getByLabel('Benchmark the fine-tuned model against its base after training');
    await tabTo(page, bench);
    if (await bench.isChecked()) await page.keyboard.press('Space');
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#\/jobs\/ftjob-/);
    const jobId = /#\/jobs\/(ftjob-[^/?]+)/.exec(page.url())![1]!;
    const job = await getJob(jobId);
    await cancel(jobId);
    expect(job.hyperparameters.n_epochs === 1 || job.hone.hyperparameters.n_epochs === 1).toBe(true);
    expect(job).toMatchObject({ suffix: 'kbd', training_file: file.id, hone: { benchmarks: false } });
  });
});
