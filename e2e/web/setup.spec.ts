/**
 * The Setup view's environment panel. On the shared server (its environment is the checkout's .venv,
 * profile dev): the facts, a real Verify with its smoke fine-tune streamed step by step to "Verified",
 * a bad wheelhouse path refused next to its field, keyboard only. On a spare server of its own with
 * the app-owned venv (HONE_VENV=app) and no base Python to be found (HONE_BASE_PYTHON=/nonexistent,
 * HONE_PYTHON_CANDIDATES empty): "Not installed yet", then Install ends with python_not_found and its advice.
 */
import { join } from 'node:path';
import { startSpare, stopSpare, type Spare } from './spare-server';
import { test, expect, openApp, look, api } from './fixtures';


/** Cancels a run a failed test left behind on the shared server (the next test needs the buttons). */
async function noRunLeft(): Promise<void> {
  await api('/v1/hone/environment/runs/current/cancel', { method: 'POST' });
  for (let i = 0; i < 100; i++) {
    const s = (await (await api('/v1/hone/environment')).json()) as { current_run: unknown };
    if (!s.current_run) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test.describe('setup on the shared server (the checkout .venv)', () => {
  test.afterEach(noRunLeft);
  test('facts, a real Verify streamed to Verified, keyboard only', async ({ page }) => {
    // The smoke fine-tune is a real one: ~30 s alone, minutes on a machine busy with other work.
    test.setTimeout(480_000);
    await openApp(page, '/setup');
    const panel = page.getByRole('region', { name: 'Python environment' });
    await expect(panel.getByRole('heading', { name: 'Python environment' })).toBeVisible();
    const facts = page.getByTestId('env-facts');
    await expect(facts).toContainText('.venv/bin/python');
    // The first check imports torch (seconds on a busy machine); the live stream brings its answer.
    await expect(facts).toContainText(/Python 3\.\d+/, { timeout: 60_000 });
    await expect(facts).toContainText('dev');
    await expect(page.getByTestId('env-torch')).toContainText(/2\.\d+\.\d+/);
    await expect(page.getByTestId('env-hardware')).not.toContainText('Detecting', { timeout: 60_000 });
    await expect(page.getByTestId('env-recommended')).toContainText(/build/);
    // Dev profile: reinstall is refused with its reason; install does not apply.
    await expect(panel.getByRole('button', { name: 'Reinstall…' })).toBeDisabled();
    await expect(panel.getByText(/run npm run setup in the Hone folder/)).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Install', exact: true })).toBeDisabled();

    // Keyboard only: Tab to Verify and press Enter.
    const verify = panel.getByRole('button', { name: 'Verify' });
    await verify.focus();
    await expect(verify).toBeFocused();
    await page.keyboard.press('Enter');
    const run = page.getByTestId('env-run');
    await expect(run).toContainText('Verify in progress');
    await expect(page.getByTestId('env-step-verify')).toContainText(/torch 2\.\d+/, { timeout: 120_000 });
    await expect(page.getByTestId('env-step-smoke')).toHaveClass(/running|done/, { timeout: 60_000 });
    await expect(run).toContainText('Last verify: succeeded', { timeout: 400_000 });
    await expect(page.getByTestId('env-step-smoke')).toHaveClass(/done/);
    await expect(page.getByTestId('env-step-smoke')).toContainText(/steps in .* final loss/);
    await expect(page.getByTestId('env-headline')).toContainText(/Ready: torch 2\.\d+\.\d+ \(CPU build\), verified just now/);
    // The log opens from the keyboard.
    await run.getByText(/^Details/).focus();
    await page.keyboard.press('Enter');
    await expect(run.getByRole('region', { name: 'Installer output' }).or(run.getByLabel('Installer output'))).toBeVisible();
    await look(page, 'setup');
  });

  test('a bad wheelhouse path is refused next to the field', async ({ page }) => {
    await openApp(page, '/setup');
    const field = page.getByLabel(/Install offline from a wheelhouse/);
    await field.fill('/nonexistent/hone-wheelhouse');
    await page.getByRole('button', { name: 'Repair' }).click();
    const err = page.locator('.field-error');
    await expect(err).toContainText('No wheelhouse at /nonexistent/hone-wheelhouse');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    // The message sits with the field (its description), not in a page-level notice.
    await expect(field).toHaveAttribute('aria-describedby', (await err.getAttribute('id'))!);
    await look(page, 'setup-wheelhouse-error');
    // Editing the path clears the message about the old one.
    await field.fill('/nonexistent/other');
    await expect(err).toHaveCount(0);
  });
});

test.describe('setup on a spare server with no Python to install from', () => {
  let spare: Spare;
  test.beforeAll(async () => {
    spare = await startSpare('setup', { HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off', HONE_VENV: 'app', HONE_BASE_PYTHON: '/nonexistent/python3', HONE_PYTHON_CANDIDATES: '' });
  });
  test.afterAll(async () => {
    await stopSpare(spare);
  });

  test('"Not installed yet", then Install ends with python_not_found and what to do', async ({ page }) => {
    await page.goto(`${spare.url}/app/#token=${encodeURIComponent(spare.key)}`);
    await expect(page.getByTestId('server-health')).toContainText('Server online');
    // The Overview's Python card sends a new user to Setup.
    const setUp = page.getByTestId('python-card').getByRole('link', { name: 'Set up' });
    await expect(setUp).toBeVisible({ timeout: 60_000 });
    await setUp.click();
    await expect(page.getByRole('heading', { name: 'Setup', exact: true })).toBeVisible();
    await expect(page.getByTestId('env-headline')).toHaveText('Not installed yet');
    await expect(page.getByTestId('env-facts')).toContainText(join(spare.dir, 'python'));
    await expect(page.getByRole('button', { name: 'Verify' })).toBeDisabled();
    await page.getByRole('button', { name: 'Install', exact: true }).click();
    const err = page.getByTestId('env-error');
    await expect(err).toContainText('Install failed (python_not_found)', { timeout: 30_000 });
    await expect(err).toContainText('/nonexistent/python3 (HONE_BASE_PYTHON): not found');
    await expect(err).toContainText('Install Python 3.10–3.12 from python.org or your package manager');
    await expect(err).toContainText(/What to do: Install Python 3\.10, 3\.11 or 3\.12/);
    await expect(err.getByRole('button', { name: 'Retry' })).toBeEnabled();
    await expect(page.getByTestId('env-step-python')).toHaveClass(/failed/);
    await look(page, 'setup-no-python');
  });
});
