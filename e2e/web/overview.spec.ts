/**
 * The Overview against a server of this spec's own (so "empty" is really empty): the getting-started
 * strip, CPU mode (or the GPU cards), health; then a running and a queued job created through the
 * API on hone-tiny-llama — the queue reason, progress that moves without a reload, and only the
 * app's one live stream open (no polling) while it does.
 */
import type { Page, Request } from '@playwright/test';
import { startSpare, stopSpare, type Spare } from './spare-server';
import { test, expect, look } from './fixtures';
import { E2E_KEY } from './env';

/** A headless Hone with an empty data dir (MLflow and post-job benchmarks off, as on the shared server). */
const startOverviewSpare = (extraEnv: Record<string, string> = {}) =>
  startSpare('overview', { HONE_API_KEY: E2E_KEY, HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off', HF_HUB_OFFLINE: '1', ...extraEnv });

let spare: Spare;
const call = (path: string, init: RequestInit = {}, server = spare) => fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${E2E_KEY}`, ...(init.headers ?? {}) } });
const post = async (path: string, body: unknown) => {
  const res = await call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; status: string };
};

async function uploadChat(n: number): Promise<string> {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `Code word ${i % 4}?` }, { role: 'assistant', content: `It is ${['apple', 'banana', 'cherry', 'damson'][i % 4]}.` }] }),
  );
  const form = new FormData();
  form.set('purpose', 'fine-tune');
  form.set('file', new Blob([lines.join('\n') + '\n']), 'overview-train.jsonl');
  const res = await call('/v1/files', { method: 'POST', body: form });
  if (!res.ok) throw new Error(`upload: ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}

async function openOverview(page: Page, server = spare): Promise<void> {
  await page.goto(`${server.url}/app/#token=${encodeURIComponent(E2E_KEY)}`);
  await expect(page.getByTestId('server-health')).toContainText('Server online');
  await expect(page).toHaveURL(/#\/overview$/);
  await expect(page.getByRole('heading', { name: 'Overview', exact: true })).toBeVisible();
  await expect(page.getByTestId('live-state')).toContainText('updated live');
}

test.describe('overview', () => {
  test.describe.configure({ mode: 'serial' });
  test.beforeAll(async () => {
    spare = await startOverviewSpare();
  });
  test.afterAll(async () => {
    await stopSpare(spare);
  });

  test('an empty server: getting started, the compute, an empty queue and health', async ({ page }) => {
    await openOverview(page);
    const status = (await (await call('/v1/hone/system')).json()) as { gpus: { mode: string } };
    await expect(page.getByTestId('getting-started')).toBeVisible();
    await expect(page.getByTestId('getting-started').getByRole('heading', { level: 3 })).toHaveText(['1. Bring a dataset', '2. Inspect, fix and validate', '3. Fine-tune and compare']);
    await expect(page.getByRole('link', { name: 'New fine-tuning job' }).first()).toHaveAttribute('href', '#/jobs/new');
    await expect(page.getByRole('link', { name: 'Upload a dataset' })).toHaveAttribute('href', '#/files');
    if (status.gpus.mode === 'cpu') {
      await expect(page.getByTestId('cpu-card')).toContainText('CPU mode: one job at a time');
      await expect(page.getByTestId('cpu-card')).toContainText('Free');
    } else {
      await expect(page.getByTestId('gpu-card').first()).toContainText('Temperature');
    }
    await expect(page.getByTestId('queue-empty')).toContainText('Nothing is waiting');
    await expect(page.getByText('No fine-tuning jobs yet')).toBeVisible();
    await expect(page.getByTestId('disk-card')).toContainText(/free of/);
    await expect(page.getByTestId('mlflow-card')).toContainText('off');
    await expect(page.getByTestId('mlflow-card').getByRole('link', { name: 'MLflow settings' })).toBeVisible();
    await expect(page.getByTestId('python-card')).toContainText(/Python 3\.\d+/);
    await expect(page.getByTestId('python-card')).toContainText('torch');
    await look(page, 'overview-empty');
  });

  test('a running and a queued job: reasons, live progress, one stream and no polling', async ({ page }) => {
    test.setTimeout(240_000);
    const v1: Array<{ url: string; at: number; req: Request }> = [];
    const finished = new Set<Request>();
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/v1/')) v1.push({ url: req.url(), at: Date.now(), req });
    });
    page.on('requestfinished', (req) => finished.add(req));
    page.on('requestfailed', (req) => finished.add(req));

    const file = await uploadChat(40);
    // Long enough to watch (about a minute on a loaded 2-core VM); cancelled at the end.
    const a = await post('/v1/fine_tuning/jobs', { training_file: file, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 20, batch_size: 1 } });
    // B after A holds the slot (both validate in the background; the first one validated would start first).
    await expect.poll(async () => ((await (await call(`/v1/fine_tuning/jobs/${a.id}`)).json()) as { status: string }).status, { timeout: 60_000 }).toBe('running');
    const b = await post('/v1/fine_tuning/jobs', { training_file: file, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1 } });
    try {
      await openOverview(page);
      const status = (await (await call('/v1/hone/system')).json()) as { gpus: { mode: string } };
      await expect(page.getByTestId('getting-started')).toHaveCount(0);

      // The queue: B waits for the slot A holds, and says so.
      const queue = page.getByTestId('queue');
      const queuedB = queue.locator('tr', { has: page.getByRole('link', { name: b.id, exact: true }) });
      await expect(queuedB).toBeVisible({ timeout: 60_000 });
      await expect(queuedB).toContainText(status.gpus.mode === 'cpu' ? `waiting for the CPU slot (held by ${a.id})` : /waiting/);
      await expect(queuedB.getByRole('cell').first()).toHaveText('1');
      if (status.gpus.mode === 'cpu') await expect(page.getByTestId('cpu-card').getByRole('link', { name: a.id })).toHaveAttribute('href', `#/jobs/${a.id}`);

      // Recent jobs: A running with step/total and time left; B queued with its reason.
      const rowA = page.getByTestId('recent-jobs').locator(`tr[data-job-id="${a.id}"]`);
      const rowB = page.getByTestId('recent-jobs').locator(`tr[data-job-id="${b.id}"]`);
      await expect(rowB).toContainText('queued');
      await expect(rowB).toContainText('waiting');
      await expect(rowA).toContainText('running', { timeout: 60_000 });
      const steps = rowA.getByTestId('job-steps');
      await expect(steps).toHaveText(/^\d+\/\d+$/, { timeout: 120_000 });
      await expect(rowA.getByTestId('job-time-left')).toHaveText(/left|almost done/);
      await look(page, 'overview-busy');

      // The live stream is open; now count requests for 10 s while A trains.
      await page.waitForTimeout(500);
      const streams = v1.filter((r) => r.url.includes('/v1/hone/live'));
      expect(streams, 'one live stream').toHaveLength(1);
      const first = await steps.textContent();
      const t0 = Date.now();
      await page.waitForTimeout(10_000);
      const during = v1.filter((r) => r.at >= t0).map((r) => new URL(r.url).pathname);
      const last = await steps.textContent();
      console.log(`overview: steps ${first} → ${last} in 10 s; /v1 requests in that window: ${during.length} ${JSON.stringify(during)}`);
      expect(last, 'progress moves without a reload').not.toBe(first);
      expect(during.filter((p) => p === '/v1/hone/live'), 'no second stream').toEqual([]);
      // No polling: steady progress arrives in the stream; lists are patched in place.
      expect(during.length, `requests while a job trains: ${during.join(', ')}`).toBeLessThanOrEqual(1);
      expect(finished.has(streams[0]!.req), 'the live stream stays open').toBe(false);

      // A card's job link opens the job.
      await page.getByTestId('recent-jobs').getByRole('link', { name: a.id }).click();
      await expect(page).toHaveURL(new RegExp(`#/jobs/${a.id}$`));
    } finally {
      for (const id of [b.id, a.id]) await call(`/v1/fine_tuning/jobs/${id}/cancel`, { method: 'POST' });
    }
  });

  test('a broken environment says what is wrong and what to do: no Python, a remote MLflow', async ({ page }) => {
    // Its own server: the trainer's Python does not exist, and runs are tracked on a remote MLflow.
    const broken = await startOverviewSpare({ HONE_PYTHON: '/nonexistent/hone/.venv/bin/python', HONE_MLFLOW: '', HONE_MLFLOW_URI: 'http://mlflow.example.invalid:5000' });
    try {
      await openOverview(page, broken);
      const py = page.getByTestId('python-card');
      await expect(py).toContainText('missing');
      await expect(py.getByRole('alert')).toContainText('No Python found at /nonexistent/hone/.venv/bin/python');
      await expect(py.getByRole('alert')).toContainText('HONE_PYTHON sets this path');
      await expect(py.getByRole('alert').locator('code')).toHaveText('npm run setup');
      const ml = page.getByTestId('mlflow-card');
      await expect(ml).toContainText('remote server');
      await expect(ml).toContainText('its UI opens in a new window');
      const open = ml.getByRole('link', { name: 'Open MLflow (new window)' });
      await expect(open).toHaveAttribute('href', 'http://mlflow.example.invalid:5000/');
      await expect(open).toHaveAttribute('target', '_blank');
      await look(page, 'overview-broken-env');
    } finally {
      await page.goto('about:blank'); // the app would log its reconnect attempts to a stopped server
      await stopSpare(broken);
    }
  });
});
