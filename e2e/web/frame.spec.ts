import { test, expect, openApp, look, API } from './fixtures';
import { E2E_KEY } from './env';

test.describe('sign-in and frame', () => {
  test('signs in with the fragment token and removes it from the address bar', async ({ page }) => {
    await openApp(page);
    expect(page.url()).not.toContain('token=');
    await expect(page).toHaveURL(/#\/overview$/);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await look(page, 'overview');
  });

  test('asks for the key without a token, says a wrong key is wrong, accepts the right one', async ({ page }) => {
    await page.goto('/app/');
    await expect(page.getByRole('heading', { name: 'Sign in to Hone' })).toBeVisible();
    await expect(page.getByText('Where to find it')).toBeVisible();
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('not valid');
    await look(page, 'sign-in-wrong-key');
    await page.getByLabel('API key').fill(E2E_KEY);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('server-health')).toContainText('Server online');
  });

  test('the browser is sent from / to the app; curl still gets the seed JSON', async ({ page, request }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/app\/(#\/?)?$/);
    const res = await request.get(`${API}/`, { headers: { accept: '*/*' } });
    expect(await res.json()).toEqual({ 'Hone Server': 'online' });
    const html = await request.get(`${API}/app/`);
    expect(html.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(html.headers()['referrer-policy']).toBe('no-referrer');
    expect(html.headers()['x-content-type-options']).toBe('nosniff');
  });

  test('every view of the sidebar renders, passes axe, and is reachable from the keyboard', async ({ page }) => {
    await openApp(page);
    // Each view's own spec looks at it in depth; here: the sidebar reaches each one.
    for (const name of ['Overview', 'Files', 'Jobs', 'Models', 'Benchmarks', 'Experiments', 'Settings']) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(name) }).click();
      await expect(page.getByRole('heading', { name, exact: true, level: 1 })).toBeVisible();
    }
    // Keyboard: from a fresh load, Tab reaches the skip link first (the key stays for the tab).
    await page.reload();
    await expect(page.getByTestId('server-health')).toContainText('Server online');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  });

  test('a lost server connection shows "reconnecting" and recovers by itself', async ({ page, consoleErrors }) => {
    await openApp(page, '/files');
    await expect(page.getByRole('heading', { name: 'Files', exact: true })).toBeVisible();
    // The server "goes away": every request to it fails at the network level.
    const down = (route: { abort: (e?: string) => Promise<void> }) => route.abort('connectionrefused');
    await page.route(/\/v1\/|\/$/, down);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Overview/ }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Reconnecting' })).toBeVisible();
    await expect(page.getByTestId('server-health')).toContainText('Reconnecting');
    await look(page, 'reconnecting');
    await page.unroute(/\/v1\/|\/$/, down);
    await expect(page.getByTestId('server-health')).toContainText('Server online', { timeout: 10_000 });
    await expect(page.getByText('Lost the connection')).toHaveCount(0);
    // Back online, the overview's live stream reconnects by itself.
    await expect(page.getByTestId('live-state')).toContainText('updated live', { timeout: 20_000 });
    consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !/ERR_CONNECTION_REFUSED/.test(e)));
  });
});
