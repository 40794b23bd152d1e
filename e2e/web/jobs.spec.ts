/**
 * The Jobs list and the job page with real jobs on hone-tiny-llama (created through the API; the
 * wizard has its own spec). This spec runs its own headless server (so the list starts empty and
 * the CPU slot is free) behind a small TCP proxy the page talks through: cutting the proxy's
 * socket closes the console stream mid-job for real, and the view must recover with exactly the
 * console file's lines (none twice, none lost).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from '@playwright/test';
import { test, expect, openApp, look } from './fixtures';
import { E2E_KEY } from './env';

const ROOT = resolve(import.meta.dirname, '../..');
let server: ChildProcess;
let dataDir: string;
let direct: string;
let proxy: Server;
let APP: string;
/** Client sockets whose current request is a console stream (what `cutConsole` closes). */
const consoleSockets = new Set<Socket>();

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hone-e2e-jobs-'));
  server = spawn(process.execPath, ['--import', 'tsx', 'electron/core/headless.ts', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, HONE_API_KEY: E2E_KEY, HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  direct = await new Promise<string>((res, rej) => {
    createInterface({ input: server.stdout! }).on('line', (line) => {
      if (line.startsWith('HONE_READY ')) res((JSON.parse(line.slice(11)) as { url: string }).url);
    });
    server.on('exit', (code) => rej(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const upstream = new URL(direct);
  proxy = createServer((client) => {
    const up = connect(Number(upstream.port), upstream.hostname);
    client.on('data', (chunk: Buffer) => {
      const head = chunk.toString('latin1', 0, 200);
      if (/^GET \/v1\/fine_tuning\/jobs\/[^/ ]+\/console[ ?]/.test(head)) consoleSockets.add(client);
      else if (/^[A-Z]+ \//.test(head)) consoleSockets.delete(client);
    });
    client.pipe(up);
    up.pipe(client);
    const drop = () => {
      consoleSockets.delete(client);
      client.destroy();
      up.destroy();
    };
    client.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const addr = proxy.address();
  APP = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

test.afterAll(async () => {
  for (const s of consoleSockets) s.destroy();
  await new Promise((r) => proxy?.close(r));
  if (server && server.exitCode === null) {
    await new Promise<void>((r) => {
      server.once('exit', () => r());
      server.kill('SIGTERM');
    });
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** Closes every open console stream at the socket (a dropped connection, not a clean end). */
function cutConsole(): number {
  const n = consoleSockets.size;
  for (const s of consoleSockets) s.destroy();
  return n;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${direct}${path}`, { ...init, headers: { authorization: `Bearer ${E2E_KEY}`, ...(init.body && typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function chatJsonl(n: number): string {
  const words = ['apple', 'banana', 'cherry', 'damson'];
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'system', content: 'You are a terse assistant.' },
        { role: 'user', content: `What is the code word number ${i % 4}?` },
        { role: 'assistant', content: `The code word is ${words[i % 4]}.` },
      ],
    }),
  ).join('\n') + '\n';
}

async function upload(name: string, text: string): Promise<string> {
  const form = new FormData();
  form.set('purpose', 'fine-tune');
  form.set('file', new Blob([text]), name);
  return (await call<{ id: string }>('/v1/files', { method: 'POST', body: form })).id;
}

interface Job {
  id: string;
  status: string;
  error: { message: string } | null;
  hone: { step: number | null; total_steps: number | null; queue_reason: string | null };
}

async function createJob(file: string, epochs: number, suffix: string): Promise<Job> {
  return call<Job>('/v1/fine_tuning/jobs', {
    method: 'POST',
    body: JSON.stringify({ model: 'hone-tiny-llama', training_file: file, suffix, hyperparameters: { n_epochs: epochs, batch_size: 1 }, hone: { benchmarks: false } }),
  });
}

async function waitJob(id: string, ok: (j: Job) => boolean, what: string, timeoutMs = 240_000): Promise<Job> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = await call<Job>(`/v1/fine_tuning/jobs/${id}`);
    if (ok(j)) return j;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const consolePath = (id: string) => join(dataDir, 'jobs', id, 'console.log');

/** The terminal's lines (wrapped rows joined), read from the page's xterm buffer. */
const terminalLines = (page: Page) => page.getByTestId('console').evaluate((el) => (el as unknown as { honeConsole: { text(): string[] } }).honeConsole.text());

/**
 * What a terminal shows for `text`, line by line: `\r` returns to the line's start and later
 * characters overwrite earlier ones (progress bars), `\n` ends the line, tabs go to the next
 * multiple of 8, escape sequences draw nothing; trailing blanks dropped, as xterm's buffer reads.
 */
function renderTerminal(text: string): string[] {
  const out: string[] = [];
  let line: string[] = [];
  let col = 0;
  const clean = text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g'), '');
  for (const ch of clean) {
    if (ch === '\n') {
      out.push(line.join('').trimEnd());
      line = [];
      col = 0;
    } else if (ch === '\r') col = 0;
    else if (ch === '\t') col = (Math.floor(col / 8) + 1) * 8;
    else {
      while (line.length < col) line.push(' ');
      line[col++] = ch;
    }
  }
  out.push(line.join('').trimEnd());
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** Console screenshots need the terminal on screen: xterm does not draw while it is out of view. */
async function showConsole(page: Page) {
  await page.getByTestId('console').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
}

let finished: Job;

test('no jobs yet: the list says what a job is and how to start one', async ({ page }) => {
  await openApp(page, '/jobs', APP);
  await expect(page.getByRole('heading', { name: 'No fine-tuning jobs yet' })).toBeVisible();
  await look(page, 'jobs-empty');
  const filter = page.getByRole('group', { name: 'Show jobs by status' });
  await filter.getByRole('button', { name: 'Failed' }).click();
  await expect(page).toHaveURL(/#\/jobs\?status=failed$/);
  await expect(page.getByRole('heading', { name: 'No failed jobs' })).toBeVisible();
  await filter.getByRole('button', { name: 'All' }).click();
  await page.getByRole('main').getByRole('link', { name: 'New fine-tuning job' }).last().click();
  await expect(page).toHaveURL(/#\/jobs\/new$/);
});

test('a running job: list progress, console lines and loss points while it runs; a console stream cut mid-job recovers with no duplicated or missing line', async ({ page, consoleErrors }) => {
  test.setTimeout(300_000);
  const file = await upload('console.jsonl', chatJsonl(40));
  // 400 steps: long enough to still be training after the chart shows points (one OpenMP thread makes
  // tiny-llama steps fast), short enough to finish within the test.
  const job = await createJob(file, 10, 'console');
  const consoleRequests: Array<string | null> = [];
  page.on('request', (r) => {
    if (r.url().includes(`/v1/fine_tuning/jobs/${job.id}/console`)) consoleRequests.push(r.headers()['last-event-id'] ?? null);
  });

  // The list: the job with its model, file name and progress, live.
  await openApp(page, '/jobs', APP);
  const row = page.locator(`tr[data-job-id="${job.id}"]`);
  await expect(row).toContainText('hone-tiny-llama');
  await expect(row).toContainText('console.jsonl');
  await expect(row.getByTestId('job-steps')).toHaveText(/^\d+\/400$/, { timeout: 240_000 });
  await expect(row.getByTestId('job-status')).toHaveText('running');
  await expect(row.getByTestId('job-time-left')).toHaveText(/left|almost done/);
  await look(page, 'jobs-list-running');
  const active = page.getByRole('group', { name: 'Show jobs by status' });
  await active.getByRole('button', { name: 'Succeeded' }).click();
  await expect(row).toHaveCount(0);
  await active.getByRole('button', { name: 'Running' }).click();
  await expect(row).toBeVisible();

  // The job page while it trains: trainer lines in the console, points in the loss chart.
  await row.getByRole('link', { name: job.id }).click();
  await expect(page.getByTestId('job-status').first()).toHaveText('running');
  await expect.poll(async () => (await terminalLines(page)).some((l) => /\{'loss': /.test(l)), { timeout: 120_000 }).toBe(true);
  const points = async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points'));
  await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(0);
  const before = await points();
  await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(before);
  await expect(page.getByTestId('chart-loss')).toContainText(/Latest: training loss [\d.]+ at step \d+/);

  // Cut the console's connection while the job still prints.
  const running = await call<Job>(`/v1/fine_tuning/jobs/${job.id}`);
  expect(running.status, 'the cut must happen mid-job').toBe('running');
  expect(cutConsole()).toBe(1);
  await expect.poll(() => consoleRequests.length, { timeout: 30_000 }).toBeGreaterThan(1);
  const resumedAt = Number(consoleRequests[1]);
  expect(resumedAt, 'the reconnect resumes at the last byte offset seen').toBeGreaterThan(0);
  await expect(page.getByTestId('console-state')).toContainText('Live', { timeout: 30_000 });

  // Chromium logs the cut response; that one is expected.
  const cut = consoleErrors.findIndex((e) => /ERR_INCOMPLETE_CHUNKED_ENCODING .*\/console\)/.test(e));
  if (cut >= 0) consoleErrors.splice(cut, 1);

  finished = await waitJob(job.id, (j) => j.status === 'succeeded' || j.status === 'failed', 'the job to end');
  expect(finished.status, JSON.stringify(finished.error)).toBe('succeeded');
  await expect(page.getByTestId('console-state')).toContainText('Complete', { timeout: 30_000 });
  const text = readFileSync(consolePath(job.id), 'utf8');
  expect(resumedAt).toBeLessThan(Buffer.byteLength(text));
  const shown = await terminalLines(page);
  const expected = renderTerminal(text);
  expect(expected.length).toBeGreaterThan(120);
  expect(shown).toEqual(expected);
  // Each logged step once (the lines that would repeat after a bad resume), one chart point per step.
  const steps = shown.filter((l) => l.startsWith("{'loss': "));
  expect(steps.length).toBeGreaterThanOrEqual(100);
  expect(new Set(steps).size).toBe(steps.length);
  await expect.poll(points).toBe(finished.hone.total_steps);
});

test('search finds a line and counts matches; download gives the whole console', async ({ page }) => {
  test.skip(!finished, 'needs the job of the previous test');
  // No save picker: the download goes through a Blob and <a download> (what Playwright sees).
  await page.addInitScript(() => delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker);
  await openApp(page, `/jobs/${finished.id}`, APP);
  await expect(page.getByTestId('console-state')).toContainText('Complete');
  const search = page.getByRole('searchbox', { name: 'Search the console' });
  await search.fill('is deprecated');
  await expect(page.getByTestId('console-matches')).toHaveText(/^\d+ of \d+$/);
  expect(Number((await page.getByTestId('console-matches').textContent())!.split(' of ')[1])).toBeGreaterThanOrEqual(2);
  await search.press('Enter');
  const first = await page.getByTestId('console-matches').textContent();
  await search.press('Enter');
  await expect(page.getByTestId('console-matches')).not.toHaveText(first!);
  await search.fill('no such text anywhere 12345');
  await expect(page.getByTestId('console-matches')).toHaveText('no matches');
  await search.fill('');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download', exact: true }).click()]);
  expect(download.suggestedFilename()).toBe(`${finished.id}-console.txt`);
  expect(readFileSync(await download.path()).equals(readFileSync(consolePath(finished.id)))).toBe(true);

  // Succeeded: the fine-tuned model and its actions, checkpoints, hyperparameters, result file.
  await expect(page.getByTestId('fine-tuned-model')).toContainText(`ft:hone-tiny-llama:hone:console:${finished.id}`);
  await expect(page.getByRole('link', { name: 'Benchmark', exact: true })).toHaveAttribute('href', `#/benchmarks?model=${encodeURIComponent(`ft:hone-tiny-llama:hone:console:${finished.id}`)}`);
  await expect(page.getByRole('link', { name: 'Fine-tune again' })).toHaveAttribute('href', /#\/jobs\/new\?model=hone-tiny-llama&training_file=/);
  await expect(page.getByTestId('job-checkpoints').locator('tbody tr').first()).toContainText(String(finished.hone.total_steps));
  await expect(page.getByTestId('job-hyperparameters')).toContainText('n epochs');
  await expect(page.getByTestId('job-events')).toContainText('The job has successfully completed');
  await expect(page.getByRole('button', { name: /^Download .*results/ })).toBeVisible();
  for (const a of ['pause', 'resume', 'cancel']) await expect(page.getByTestId(`job-${a}`)).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('action-reasons')).toContainText('Cancel job: The job has already succeeded');

  // Charts: every step, a log scale, smoothing, drag to zoom and back.
  const loss = page.getByTestId('chart-loss');
  await expect(loss).toHaveAttribute('data-points', String(finished.hone.total_steps));
  await loss.getByRole('checkbox', { name: 'log scale' }).check();
  await expect(loss.locator('canvas')).toHaveCount(1);
  await page.getByRole('slider', { name: /Smoothing/ }).fill('0.8');
  await expect(loss.locator('.u-legend')).toContainText('training loss (smoothed)');
  const reset = loss.getByRole('button', { name: 'Reset zoom' });
  await expect(reset).toBeDisabled();
  const box = (await loss.locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(reset).toBeEnabled();
  await reset.click();
  await expect(reset).toBeDisabled();
  await showConsole(page);
  await look(page, 'job-succeeded');
});

test('pause, resume and cancel from the page, each disabled with its reason while it cannot apply; cancel asks first', async ({ page }) => {
  test.setTimeout(420_000);
  const file = await upload('long.jsonl', chatJsonl(40));
  const job = await createJob(file, 50, 'actions'); // 2000 steps: runs until cancelled
  await openApp(page, `/jobs/${job.id}`, APP);
  const status = page.getByTestId('job-status').first();
  const reasons = page.getByTestId('action-reasons');
  await expect(page.getByTestId('job-steps')).toHaveText(/^\d+\/2000$/, { timeout: 240_000 });
  await expect(status).toHaveText('running');
  await expect(page.getByTestId('job-resume')).toHaveAttribute('aria-disabled', 'true');
  await expect(reasons).toContainText('Resume: The job is not paused');
  await expect(page.getByTestId('job-pause')).toHaveAttribute('aria-disabled', 'false');
  await expect(page.getByTestId('job-time-left')).toHaveText(/left|almost done/);
  await showConsole(page);
  await look(page, 'job-running');

  await page.getByTestId('job-pause').click();
  await expect(status).toHaveText('paused');
  await expect(page.getByTestId('job-pause')).toHaveAttribute('aria-disabled', 'true');
  await expect(reasons).toContainText(/Pause: The job is (pausing|already paused)/);
  // Once the checkpoint is saved, resume applies; the console stops at the pause.
  await expect(page.getByTestId('job-resume')).toHaveAttribute('aria-disabled', 'false', { timeout: 120_000 });
  await expect(page.getByTestId('console-state')).toContainText('the job is paused', { timeout: 30_000 });
  const pausedAt = (await terminalLines(page)).length;

  await page.getByTestId('job-resume').click();
  await expect(status).toHaveText(/queued|running/);
  await expect(page.getByTestId('job-events')).toContainText('Fine-tuning job resumed');
  // The console follows the resumed trainer from where it stopped.
  await expect(page.getByTestId('console-state')).toContainText('Live', { timeout: 240_000 });
  await expect.poll(async () => (await terminalLines(page)).length, { timeout: 240_000 }).toBeGreaterThan(pausedAt);
  await expect(status).toHaveText('running', { timeout: 240_000 });

  // A second job waits for the CPU slot: the list and its page say so.
  const queued = await createJob(file, 1, 'queued');
  await page.goto(`${APP}/app/#/jobs`);
  const queuedRow = page.locator(`tr[data-job-id="${queued.id}"]`);
  await expect(queuedRow.getByTestId('job-queue-reason')).toContainText(`CPU slot (held by ${job.id})`);
  await queuedRow.getByRole('link', { name: queued.id }).click();
  await expect(page.getByTestId('job-queued')).toContainText(`#1 in the queue: waiting for the CPU slot (held by ${job.id})`);
  await expect(page.getByTestId('job-pause')).toHaveAttribute('aria-disabled', 'false');
  await look(page, 'job-queued');
  await call(`/v1/fine_tuning/jobs/${queued.id}/cancel`, { method: 'POST' });
  await expect(page.getByTestId('job-status').first()).toHaveText('cancelled');
  await page.goto(`${APP}/app/#/jobs/${job.id}`);
  await expect(status).toHaveText('running');

  // Cancel asks first; saying no keeps the job running.
  await page.getByTestId('job-cancel').click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this job?' });
  await expect(dialog).toBeVisible();
  await look(page, 'job-cancel-confirm');
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog).toBeHidden();
  expect((await call<Job>(`/v1/fine_tuning/jobs/${job.id}`)).status).toBe('running');
  await page.getByTestId('job-cancel').click();
  await dialog.getByRole('button', { name: 'Cancel job' }).click();
  await expect(status).toHaveText('cancelled');
  for (const a of ['pause', 'resume', 'cancel']) await expect(page.getByTestId(`job-${a}`)).toHaveAttribute('aria-disabled', 'true');
  await expect(reasons).toContainText(/Cancel job: The job (is being cancelled|is already cancelled)/);
  await expect(reasons).toContainText('only queued or running jobs can be paused');
  await waitJob(job.id, (j) => j.status === 'cancelled' && j.hone.queue_reason === null, 'the trainer to stop', 60_000);
  await expect(page.getByTestId('console-state')).toContainText('the job was cancelled', { timeout: 30_000 });
});

test('a failed job says why; the list shows every job with its status', async ({ page }) => {
  const bad = await upload('broken.jsonl', chatJsonl(11) + '{"messages": [{"role": "user"}]}\n');
  const job = await createJob(bad, 1, 'broken');
  const failed = await waitJob(job.id, (j) => j.status === 'failed', 'validation failure', 60_000);
  await openApp(page, `/jobs/${job.id}`, APP);
  await expect(page.getByTestId('job-error')).toContainText(failed.error!.message);
  await expect(page.getByTestId('job-error')).toContainText('line 12');
  await expect(page.getByRole('link', { name: "Open the training file's validation report" })).toBeVisible();
  await expect(page.getByTestId('action-reasons')).toContainText('Cancel job: The job has already failed');
  await expect(page.getByTestId('no-metrics')).toBeVisible();
  await expect(page.getByTestId('console-state')).toContainText('Nothing was printed');
  await showConsole(page);
  await look(page, 'job-failed');

  await page.goto(`${APP}/app/#/jobs`);
  await expect(page.locator('tbody tr')).toHaveCount(4); // console, actions, queued, broken
  await expect(page.locator(`tr[data-job-id="${job.id}"]`)).toContainText('failed');
  await look(page, 'jobs-list');
  await page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: 'Failed' }).click();
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await page.getByRole('group', { name: 'Show jobs by status' }).getByRole('button', { name: 'Cancelled' }).click();
  await expect(page.locator('tbody tr')).toHaveCount(2);
});
