/**
 * Closing the core while a job's files are still being validated: the validation's late answer
 * must not touch the closed database (under Electron that crash turned a clean quit into exit 1),
 * and the job is validated again at the next start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { DatasetCheck } from '../../electron/core/jobs/job-service.js';
import type { ValidationReport } from '../../electron/shared/schemas/validation.js';
import { chatJsonl } from './helpers/datasets.js';
import { startTestServer } from './helpers/server.js';
import { waitFor } from './helpers/wait.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hone-close-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('a validation that answers after close is dropped; the next start validates the job again', async () => {
  let answer: (r: ValidationReport) => void = () => {};
  const slow: DatasetCheck = () => new Promise((r) => (answer = r));
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  try {
    const first = await startTestServer({}, { checkDataset: slow }, dataDir);
    const file = await first.client.files.create({ file: new File([chatJsonl(12)], 'train.jsonl'), purpose: 'fine-tune' });
    const job = await first.client.fineTuning.jobs.create({ model: 'hone-tiny-llama', training_file: file.id });
    expect(job.status).toBe('validating_files');
    await first.close();
    answer({ valid: true, error_lines: [], warnings: [], warning_counts: {}, stats: {} } as unknown as ValidationReport);
    await new Promise((r) => setTimeout(r, 100));
    expect(rejections).toEqual([]);

    // Restarted with a check that refuses the file: the job is checked again and fails with its reason.
    const refuse: DatasetCheck = async () => ({ valid: false, error_lines: ['line 3: no assistant message'], warnings: [], warning_counts: {}, stats: {} }) as unknown as ValidationReport;
    const second = await startTestServer({}, { checkDataset: refuse }, dataDir);
    try {
      const failed = await waitFor(() => second.client.fineTuning.jobs.retrieve(job.id), (j) => j.status === 'failed', 10_000, 'the job to fail');
      expect(failed.error?.code).toBe('invalid_training_file');
      expect(failed.error?.message).toContain('line 3');
    } finally {
      await second.close();
    }
  } finally {
    process.off('unhandledRejection', onRejection);
  }
});
