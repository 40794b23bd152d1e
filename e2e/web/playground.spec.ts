/**
 * The Playground and the export UI against a real headless server of their own (its CPU slot free
 * for one short real fine-tune of hone-tiny-llama, then for the inference worker): the empty
 * state; the job page's "Try in playground" with base and fine-tuned preselected, both answers
 * streaming side by side through the comparison stream with their figures, Stop (the worker's
 * token count stops growing), a bad setting's error next to its field, Copy as code, keyboard
 * only; a dataset example from the editor run beside its training answer; an export started
 * from the job page, followed to its files, downloaded and listed on the Models page.
 * Export is folded in here so that one job serves both.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, openApp, look, api, uploadFile } from './fixtures';
import { E2E_KEY } from './env';
import { startSpare, stopSpare, type Spare } from './spare-server';

let spare: Spare | undefined;
let url = '';
let jobId = '';
let ft = '';
let fileId = '';
const BASE = 'hone-tiny-llama';
const WORDS = ['apple', 'banana', 'cherry', 'damson'];

const chat = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'system', content: 'You are a terse assistant.' },
        { role: 'user', content: `What is the code word number ${i % 4}?` },
        { role: 'assistant', content: `The code word is ${WORDS[i % 4]}.` },
      ],
    }),
  ).join('\n') + '\n';

const call = (path: string, init: RequestInit = {}) => api(path, init, url);

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  spare = await startSpare('playground', { HONE_API_KEY: E2E_KEY, HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off', HF_HUB_OFFLINE: '1' });
  url = spare.url.replace(/\/$/, '');
  fileId = (await uploadFile('code-words.jsonl', chat(12), 'fine-tune', url)).id;
  const res = await call('/v1/fine_tuning/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ training_file: fileId, model: BASE, suffix: 'pg', hyperparameters: { n_epochs: 1, batch_size: 4 }, hone: { benchmarks: false } }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  jobId = ((await res.json()) as { id: string }).id;
  await expect
    .poll(
      async () => {
        const j = (await (await call(`/v1/fine_tuning/jobs/${jobId}`)).json()) as { status: string; fine_tuned_model: string | null; error: unknown };
        if (j.status === 'failed' || j.status === 'cancelled') throw new Error(`set-up job ${j.status}: ${JSON.stringify(j.error)}`);
        ft = j.fine_tuned_model ?? '';
        return j.status;
      },
      { timeout: 240_000, intervals: [1000] },
    )
    .toBe('succeeded');
});

test.afterAll(async () => {
  await stopSpare(spare);
});

const reply = (page: Page, model: string) => page.locator(`[data-testid="reply"][data-model="${model}"]`).last();

/** Tokens the serving workers have streamed so far (grows while they generate). */
async function tokensGenerated(): Promise<number> {
  const s = (await (await call('/v1/hone/serving')).json()) as { data: Array<{ tokens_generated: number }> };
  return s.data.reduce((n, w) => n + w.tokens_generated, 0);
}

test('the empty playground says what it is and what to pick', async ({ page }) => {
  await openApp(page, '/playground', url);
  await expect(page.getByRole('heading', { name: 'Playground', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Pick a model to chat with' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Fine-tuned models' }).getByRole('checkbox', { name: new RegExp(ft.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await look(page, 'playground-empty');
});

test('from the job page: base and fine-tuned answer side by side, live, with their figures; Stop ends both; a bad setting is shown at its field; keyboard only', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page, `/jobs/${jobId}`, url);
  await page.getByRole('link', { name: 'Try in playground' }).click();
  await expect(page).toHaveURL(/#\/playground\?models=/);
  await expect(page.getByRole('checkbox', { name: new RegExp(`^${BASE}`) })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: new RegExp(ft.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeChecked();

  // Keyboard: settings by typing, the message sent with Enter.
  await page.getByLabel('Temperature').fill('0');
  await page.getByLabel('Max tokens').fill('12');
  const compare = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/v1/hone/chat/compare'));
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('What is the code word number 1?');
  await box.press('Enter');
  const sent = (await compare).postDataJSON() as { models: string[]; temperature: number; max_tokens: number; stream: boolean; messages: unknown[] };
  expect(sent.models).toEqual([BASE, ft]);
  expect(sent).toMatchObject({ temperature: 0, max_tokens: 12, stream: true });
  for (const m of [BASE, ft]) {
    await expect(reply(page, m)).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
    // The tiny base model may answer only whitespace; what counts is that tokens arrived.
    expect((await reply(page, m).getByTestId('reply-text').textContent())!.length).toBeGreaterThan(0);
    await expect(reply(page, m).getByTestId('reply-ttft')).toHaveText(/^\d+\.\d\d s$/);
    expect(Number(await reply(page, m).getByTestId('reply-tokens').textContent())).toBeGreaterThan(0);
  }
  await expect(box).toHaveValue('');
  await look(page, 'playground-answers');

  // A long answer, stopped mid-stream from the keyboard: both columns end as stopped, the worker stops.
  await page.getByLabel('Temperature').fill('1');
  await page.getByLabel('Max tokens').fill('900');
  const before = await tokensGenerated();
  await box.fill('Tell me a long story.');
  await box.press('Enter');
  await expect(reply(page, ft)).toHaveAttribute('data-status', 'streaming', { timeout: 60_000 });
  const stop = page.getByRole('button', { name: 'Stop' });
  await stop.focus();
  await page.keyboard.press('Enter');
  for (const m of [BASE, ft]) await expect(reply(page, m)).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  const shown = Number(await reply(page, ft).getByTestId('reply-tokens').textContent());
  expect(shown).toBeLessThan(900);
  // The cancel reaches the worker within a token: its count settles, far below two full answers.
  let last = -1;
  await expect
    .poll(
      async () => {
        const [prev, now] = [last, await tokensGenerated()];
        last = now;
        return now === prev;
      },
      { timeout: 20_000, intervals: [1500] },
    )
    .toBe(true);
  expect(last - before, 'the worker stopped generating').toBeLessThan(2 * 900);

  // The server's error next to the field it names; nothing streams.
  await page.getByLabel('Temperature').fill('5');
  await box.fill('Hello');
  await box.press('Enter');
  const temp = page.getByLabel('Temperature');
  await expect(temp).toHaveAttribute('aria-invalid', 'true');
  await expect(temp).toHaveAccessibleDescription(/temperature/i);
  await expect(reply(page, ft)).toHaveAttribute('data-status', 'error');
  await temp.fill('0');
  await expect(temp).not.toHaveAttribute('aria-invalid', 'true');

  // Copy as code: the conversation as an SDK script, without the key.
  await page.getByText('Copy as code').click();
  const code = page.getByTestId('code-python');
  // The two answered differently, so each model gets its own history.
  await expect(code).toContainText(`"${ft}": [`);
  await expect(code).toContainText('for model, messages in conversations.items():');
  await expect(code).toContainText('{"role": "user", "content": "What is the code word number 1?"}');
  await expect(code).toContainText('api_key=os.environ["HONE_API_KEY"]');
  await expect(code).not.toContainText(E2E_KEY);

  await page.getByRole('button', { name: 'Clear chat' }).click();
  await expect(page.getByRole('heading', { name: 'Ask something' })).toBeVisible();
});

test('a dataset example from the editor runs beside its training answer', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page, `/files/${fileId}/edit`, url);
  await page.getByRole('button', { name: 'Open example #2' }).click();
  const detail = page.getByRole('region', { name: 'Selected example' });
  await expect(detail.getByRole('heading', { name: /Example 2/ })).toBeVisible();
  await detail.getByRole('link', { name: 'Try this example' }).click();
  await expect(page).toHaveURL(new RegExp(`#/playground\\?file=${fileId}&line=2$`));
  await expect(page.getByTestId('example-source')).toContainText('line 2 of code-words.jsonl');
  await expect(page.getByLabel('System prompt')).toHaveValue('You are a terse assistant.');
  await expect(page.getByTestId('reference')).toHaveText('The code word is banana.');
  await expect(page.getByRole('region', { name: 'Turn 1' })).toContainText('What is the code word number 1?');
  // No model yet: pick the fine-tuned one and run the example.
  await page.getByRole('checkbox', { name: new RegExp(ft.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).check();
  await page.getByLabel('Temperature').fill('0');
  await page.getByLabel('Max tokens').fill('12');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(reply(page, ft)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await look(page, 'playground-example');
});

test('export from the job page: progress, then files with sizes that download; listed on the Models page', async ({ page }) => {
  test.setTimeout(300_000);
  await page.addInitScript(() => delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker);
  await openApp(page, `/jobs/${jobId}`, url);
  const panel = page.getByTestId('export-panel');
  await expect(panel).toContainText('No exports yet.');
  await panel.getByRole('radio', { name: /Merged model/ }).check();
  await panel.getByRole('button', { name: 'Start export' }).click();
  const item = panel.getByTestId('export-item').first();
  await expect(item).toHaveAttribute('data-status', /queued|running|succeeded/);
  await expect(item).toHaveAttribute('data-status', 'succeeded', { timeout: 240_000 });
  await expect(item.getByTestId('export-status')).toHaveText('succeeded');
  const files = item.locator('.export-files li');
  expect(await files.count()).toBeGreaterThan(0);
  await expect(item).toContainText('config.json');
  await expect(item).toContainText(/\d+(\.\d+)? (B|KB|MB)/);
  // Open while it ran; open it again if it started closed (a fast export).
  const events = item.locator('details.export-events');
  if ((await events.getAttribute('open')) === null) await events.locator('summary').click();
  await expect(item.getByTestId('export-events')).not.toBeEmpty();

  // The download goes through fetch with the key in a header; its bytes are the server's.
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: 'Download config.json' }).click()]);
  expect(download.suggestedFilename()).toBe('config.json');
  const exp = (await (await call(`/v1/models/${encodeURIComponent(ft)}/exports`)).json()) as { data: Array<{ id: string; files: Array<{ name: string; url: string }> }> };
  const cfg = exp.data[0]!.files.find((f) => f.name === 'config.json')!;
  expect(cfg.url).not.toContain(E2E_KEY);
  const direct = Buffer.from(await (await call(cfg.url)).arrayBuffer());
  expect(readFileSync(await download.path()).equals(direct)).toBe(true);
  await look(page, 'job-export');

  await page.goto(`${url}/app/#/models`);
  const row = page.locator(`tr[data-model-id="${ft}"]`);
  await expect(row.getByTestId('export-item')).toHaveAttribute('data-status', 'succeeded');
  await expect(row).toContainText('Merged model');
});
