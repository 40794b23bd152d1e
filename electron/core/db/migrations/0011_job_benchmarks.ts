import type { Migration } from './index.js';

/** The benchmark step that follows a successful fine-tuning job. */
export const m0011: Migration = {
  id: 11,
  name: 'job_benchmarks',
  sql: `
    ALTER TABLE jobs ADD COLUMN benchmark_status TEXT;          -- null | running | succeeded | failed | skipped
    ALTER TABLE jobs ADD COLUMN benchmark_results TEXT;         -- JSON: metrics, deltas, artifacts, error
    ALTER TABLE jobs ADD COLUMN bench_events_offset INTEGER NOT NULL DEFAULT 0;
  `,
};
