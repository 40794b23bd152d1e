import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'tests/node/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', 'out/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
