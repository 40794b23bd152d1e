/**
 * Experiments: the MLflow UI rendered through Hone's proxy inside the app's frame (the FULL server,
 * whose local MLflow starts on first use), its session cookie out of reach of scripts, MLflow
 * refused without it; MLflow off (the shared server) and a remote MLflow (a spare server of this
 * spec's own, killed at the end) as a new user sees them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request as pwRequest } from '@playwright/test';
import { test, expect, openApp, look, api, FULL } from './fixtures';
import { E2E_KEY } from './env';

/** MLflow's UI is a third-party page: axe judges Hone's view around it, not MLflow. */
const FRAME = '[data-testid=mlflow-frame]';

test.describe('Experiments with the local MLflow', () => {
  test('the MLflow page renders through the proxy inside the view, at an experiment; the cookie is HttpOnly', async ({ page, context, consoleErrors }) => {
    test.setTimeout(240_000);
    const settings = (await (await api('/v1/hone/settings', {}, FULL)).json()) as { mlflow_effective_uri: string | null };
    await openApp(page, '/experiments', FULL);
    await expect(page.getByRole('heading', { name: 'Experiments', exact: true })).toBeVisible();
    await expect(page.getByText('MLflow: every training and benchmark run, with metrics and artifacts')).toBeVisible();
    // A fresh server: MLflow is not running yet, and its first start takes a while.
    if (settings.mlflow_effective_uri === null) await expect(page.getByTestId('mlflow-starting')).toContainText('Starting MLflow');

    const frame = page.frameLocator(FRAME);
    await expect(page.locator(FRAME)).toHaveAttribute('src', '/mlflow/#/experiments', { timeout: 180_000 });
    await expect(page.locator(FRAME)).toHaveAttribute('title', /MLflow/);
    // MLflow's own UI (its experiment list holds "Default"), served at Hone's origin.
    await expect(frame.getByText('Default').first()).toBeVisible({ timeout: 90_000 });

    // An experiment made by the page itself through the proxy (a same-origin POST with the cookie).
    const name = `e2e experiment ${Date.now()}`;
    const inFrame = page.frame({ url: /\/mlflow\// })!;
    const created = await inFrame.evaluate(async (n) => {
      const r = await fetch('ajax-api/2.0/mlflow/experiments/create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: n }) });
      return { status: r.status, body: (await r.json()) as { experiment_id?: string } };
    }, name);
    expect(created.status).toBe(200);
    const id = created.body.experiment_id!;

    // The link a job uses: the view opens MLflow at that experiment.
    await page.goto(`${FULL}/app/#/experiments?experiment=${id}`);
    await expect(page.locator(FRAME)).toHaveAttribute('src', `/mlflow/#/experiments/${id}?workflowType=machine_learning`);
    await expect(page.getByText(`Showing experiment ${id}.`)).toBeVisible();
    await expect(frame.getByText(name).first()).toBeVisible({ timeout: 90_000 });
    await expect(page.getByRole('link', { name: 'Open in a new window' })).toHaveAttribute('href', `/mlflow/#/experiments/${id}?workflowType=machine_learning`);

    // A run as a job logs it (a metric per step), opened the way a job's link opens it.
    const run = await inFrame.evaluate(async (experimentId) => {
      const post = (path: string, body: object) =>
        fetch(`ajax-api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
      const r = (await post('runs/create', { experiment_id: experimentId, run_name: 'ftjob-e2e train', start_time: Date.now() })) as { run: { info: { run_id: string } } };
      const runId = r.run.info.run_id;
      for (const [step, value] of [[1, 2.5], [2, 1.9], [3, 1.4]] as const) await post('runs/log-metric', { run_id: runId, key: 'train_loss', value, step, timestamp: Date.now() });
      await post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
      return runId;
    }, id);
    await page.goto(`${FULL}/app/#/experiments?experiment=${id}&run=${run}`);
    await expect(page.locator(FRAME)).toHaveAttribute('src', `/mlflow/#/experiments/${id}/runs/${run}?workflowType=machine_learning`);
    await expect(page.getByText(`Showing run ${run.slice(0, 8)}… of experiment ${id}.`)).toBeVisible();
    await expect(frame.getByText('ftjob-e2e train').first()).toBeVisible({ timeout: 90_000 });
    await expect(frame.getByText('train_loss').first()).toBeVisible({ timeout: 30_000 });
    await look(page, 'experiments-run', { exclude: [FRAME] });

    // The session cookie: HttpOnly, SameSite=Strict, only for /mlflow, invisible to scripts even there.
    const cookie = (await context.cookies(`${FULL}/mlflow/`)).find((c) => c.name === 'hone_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/mlflow' });
    expect(cookie!.value).not.toContain(E2E_KEY);
    expect(await page.evaluate(() => document.cookie)).not.toContain('hone_session');
    expect(await page.frame({ url: /\/mlflow\// })!.evaluate(() => document.cookie)).not.toContain('hone_session');

    await look(page, 'experiments', { exclude: [FRAME] });
    // MLflow's UI asks for the user of its basic-auth plugin, which a plain `mlflow server` lacks (404):
    // MLflow's own request inside the frame, not the app's.
    dropConsoleErrors(consoleErrors, /status of 404 .*\/mlflow\/ajax-api\/2\.0\/mlflow\/users\/current\)$/);
  });

  test('a browser without the session cookie gets no MLflow; a foreign Origin is refused', async ({ browser }) => {
    const fresh = await browser.newContext();
    try {
      const p = await fresh.newPage();
      const res = await p.goto(`${FULL}/mlflow/`);
      expect(res!.status()).toBe(401);
      expect(((await res!.json()) as { error: { code: string } }).error.code).toBe('missing_session');
      // Not even with the key in a header: the frame's authority is the cookie.
      const withKey = await p.request.get(`${FULL}/mlflow/`, { headers: { authorization: `Bearer ${E2E_KEY}` } });
      expect(withKey.status()).toBe(401);
    } finally {
      await fresh.close();
    }
    // With a valid session, another site's Origin is still a 403.
    const rq = await pwRequest.newContext({ baseURL: FULL });
    try {
      expect((await rq.post('/v1/hone/session', { headers: { authorization: `Bearer ${E2E_KEY}` } })).status()).toBe(200);
      const ok = await rq.get('/mlflow/');
      expect(ok.status()).toBe(200);
      const evil = await rq.post('/mlflow/ajax-api/2.0/mlflow/experiments/search', { headers: { origin: 'http://evil.example' }, data: {} });
      expect(evil.status()).toBe(403);
      expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
    } finally {
      await rq.dispose();
    }
  });
});

test.describe('Experiments without a local MLflow', () => {
  test('MLflow off: the view says so and how to turn it on', async ({ page }) => {
    await openApp(page, '/experiments');
    await expect(page.getByRole('heading', { name: 'MLflow is off' })).toBeVisible();
    await expect(page.getByText(/set MLflow to 'local' in Settings/)).toBeVisible();
    await expect(page.getByRole('link', { name: 'Open Settings' })).toBeVisible();
    await expect(page.locator(FRAME)).toHaveCount(0);
    await look(page, 'experiments-off');
  });

  test.describe('a remote MLflow', () => {
    let spare: { proc: ChildProcess; url: string; dir: string } | null = null;
    test.beforeAll(async () => {
      spare = await startRemoteMlflowServer('https://mlflow.example.com');
    });
    test.afterAll(() => {
      spare?.proc.kill('SIGTERM');
      if (spare) rmSync(spare.dir, { recursive: true, force: true });
    });

    test('opens in a new window, and the view says why it is not framed', async ({ page }) => {
      await page.goto(`${spare!.url}/app/#token=${encodeURIComponent(E2E_KEY)}`);
      await expect(page.getByTestId('server-health')).toContainText('Server online');
      await page.goto(`${spare!.url}/app/#/experiments?experiment=7&run=0123abcd`);
      const card = page.getByTestId('mlflow-remote');
      await expect(card.getByRole('heading', { name: 'MLflow opens in a new window' })).toBeVisible();
      await expect(card).toContainText('another origin');
      await expect(card).toContainText('Showing run 0123abcd of experiment 7.');
      const link = card.getByRole('link', { name: 'Open MLflow in a new window' });
      await expect(link).toHaveAttribute('href', 'https://mlflow.example.com/#/experiments/7/runs/0123abcd?workflowType=machine_learning');
      await expect(link).toHaveAttribute('target', '_blank');
      await expect(page.locator(FRAME)).toHaveCount(0);
      await look(page, 'experiments-remote');
    });
  });
});

function dropConsoleErrors(errors: string[], pattern: RegExp): void {
  for (let i = errors.length - 1; i >= 0; i--) if (pattern.test(errors[i]!)) errors.splice(i, 1);
}

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

/** A headless Hone whose runs go to a remote MLflow (never contacted here); resolves on HONE_READY. */
async function startRemoteMlflowServer(uri: string): Promise<{ proc: ChildProcess; url: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hone-experiments-e2e-'));
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('HONE_')) delete env[k];
  Object.assign(env, { HONE_API_KEY: E2E_KEY, HONE_MLFLOW_URI: uri, HONE_BENCHMARKS: 'off' });
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/core/headless.ts', '--port', String(port), '--data-dir', dir], {
    cwd: resolve(import.meta.dirname, '../..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}\n${err}`)), 60_000);
    proc.once('exit', (code) => fail(new Error(`server exited ${code}:\n${out}\n${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /HONE_READY (\{.*\})/.exec(out);
      if (ready) {
        clearTimeout(timer);
        ok({ proc, url: (JSON.parse(ready[1]!) as { url: string }).url, dir });
      }
    });
  });
}
