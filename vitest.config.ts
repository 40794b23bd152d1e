import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The renderer's aliases, so its pure modules (stores, editor logic) are unit-tested here too.
  resolve: {
    alias: {
      '@shared': fileURLToPath(new URL('./electron/shared', import.meta.url)),
      '@': fileURLToPath(new URL('./renderer/src', import.meta.url)),
    },
  },
  test: {
    include: ['electron/**/*.test.ts', 'tests/node/**/*.test.ts', 'bench/**/*.test.ts', 'renderer/src/**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', 'out/**'],
    testTimeout: 60_000,
    // Two files at a time on 2 cores: most files wait on subprocesses (Python start-up, trainers, MLflow), not the CPU.
    maxWorkers: 2,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
