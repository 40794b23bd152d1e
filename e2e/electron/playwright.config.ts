/**
 * The desktop app through Playwright's Electron driver: the built app (out/) launched with its own
 * profile. Runs where an Electron binary and a display exist (HONE_ELECTRON_BINARY, or
 * node_modules/electron with its binary); skipped with the reason otherwise.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/electron',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
});
