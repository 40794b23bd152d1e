/**
 * Setup → Offline packs, from the keyboard only: a model pack built by the trainer's CLI from
 * hone-tiny-llama (with a 400 MB sparse padding file so the copy lasts long enough to see its
 * progress), imported by its path → progress → Imported → the link to Models lists it; a path that
 * does not exist shows the server's message next to the field.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect, openApp, look, api } from './fixtures';

const root = resolve(import.meta.dirname, '../..');
const python = join(root, '.venv', 'bin', 'python');
let work = '';
let packDir = '';

test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hone-packs-e2e-'));
  const env = { ...process.env, PYTHONPATH: join(root, 'trainer'), HF_HUB_OFFLINE: '1' };
  execFileSync(python, ['-c', 'import sys; from hone_trainer.builtin_models import prepare_builtin; prepare_builtin("hone-tiny-llama", sys.argv[1])', join(work, 'built')], { env, stdio: 'ignore', timeout: 120_000 });
  const model = join(work, 'src', 'tiny-from-pack');
  cpSync(join(work, 'built', 'hone-tiny-llama'), model, { recursive: true });
  writeFileSync(join(model, 'padding.bin'), '');
  truncateSync(join(model, 'padding.bin'), 400 * 1024 * 1024); // sparse: no disk until the import writes it
  packDir = join(work, 'tiny-pack');
  execFileSync(python, ['-m', 'hone_trainer', 'pack', 'model', model, '--out', packDir], { env, stdio: 'ignore', timeout: 120_000 });
});

test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('import a model pack from the Setup view with the keyboard, then find it in Models', async ({ page }) => {
  await openApp(page, '/setup');
  const card = page.getByRole('region', { name: 'Offline packs' });
  await expect(card.getByRole('heading', { name: 'Offline packs' })).toBeVisible();
  await expect(card.getByLabel('Commands that build a pack')).toContainText('npm run pack -- model');

  // A path that does not exist: the server's message sits under the field.
  const field = card.getByLabel('Folder or .tar on this machine');
  await field.focus();
  await page.keyboard.type(join(work, 'no-such-pack'));
  await page.keyboard.press('Enter');
  await expect(card.getByRole('alert')).toContainText('No such file or folder on this machine');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await look(page, 'setup-packs-error');

  await field.fill('');
  await field.focus();
  await page.keyboard.type(packDir);
  await page.keyboard.press('Tab');
  await expect(card.getByRole('button', { name: 'Import' })).toBeFocused();
  await page.keyboard.press('Enter');

  const row = card.getByTestId('pack-import').first();
  await expect(row.getByRole('progressbar')).toBeVisible();
  await expect(row).toContainText(/Importing \d+%/);
  await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(row).toContainText('Imported');
  await expect(row).toContainText('tiny-from-pack');
  await expect(field).toHaveAttribute('aria-invalid', 'false');
  await look(page, 'setup-packs');

  const link = row.getByRole('link', { name: 'Open tiny-from-pack in Models' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/models/);
  await expect(page.getByText('tiny-from-pack').first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Import from a folder…' })).toBeVisible();

  const listed = (await (await api('/v1/models')).json()) as { data: Array<{ id: string; status: string }> };
  expect(listed.data.find((m) => m.id === 'tiny-from-pack')?.status).toBe('ready');
});
