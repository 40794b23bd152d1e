/**
 * The renderer in Debian's Chromium against a real headless Hone server (its own throw-away data
 * dir, MLflow and post-job benchmarks off), and a second one with both on (`FULL` in fixtures). Screenshots of every view land in
 * test-results/screenshots/ (git-ignored): look at them.
 */
import { defineConfig } from '@playwright/test';
import { E2E_DATA_DIR, E2E_FULL_DATA_DIR, E2E_FULL_PORT, E2E_KEY, E2E_PORT } from './web/env';

export default defineConfig({
  testDir: './web',
  outputDir: `../test-results/playwright-${E2E_PORT}`,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1, // one server, one 2-core machine
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1366, height: 860 },
    launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      command: `rm -rf ${E2E_DATA_DIR} && exec node --import tsx electron/core/headless.ts --port ${E2E_PORT} --data-dir ${E2E_DATA_DIR}`,
      cwd: '..',
      url: `http://127.0.0.1:${E2E_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: { HONE_API_KEY: E2E_KEY, HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off' },
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      // MLflow (local, started on first use) and benchmarks after jobs: the seed flow and Experiments.
      command: `rm -rf ${E2E_FULL_DATA_DIR} && exec node --import tsx electron/core/headless.ts --port ${E2E_FULL_PORT} --data-dir ${E2E_FULL_DATA_DIR}`,
      cwd: '..',
      url: `http://127.0.0.1:${E2E_FULL_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      // Benchmarks after jobs as a team would make them quick on a CPU: 2 tasks × 3 documents, 8 needle cells.
      env: {
        HONE_API_KEY: E2E_KEY,
        HONE_BENCHMARK_DEFAULTS: JSON.stringify({
          lm_eval: { tasks: ['hone_knowledge_mc', 'hone_completion_mc'], limit: 3 },
          needle: { context_lengths: [96, 192], depths: [0, 1], chunk_counts: [1, 2], max_new_tokens: 8 },
        }),
      },
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    },
  ],
});
