/**
 * While Setup rewrites the environment (install / repair / reinstall), no job starts on it: a job
 * created meanwhile waits with that reason and starts once the run ends. Real core and installer; the
 * run is kept busy by a base Python that takes 8 s to answer and ends by itself (failed).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toFile } from 'openai';
import { startTestServer, type TestServer } from '../../../tests/node/helpers/server.js';
import { chatJsonl } from '../../../tests/node/helpers/datasets.js';
import { waitFor } from '../../../tests/node/helpers/wait.js';
import { appVenvDir, venvPython } from '../python/locate.js';

let s: TestServer;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'hone-hold-'));
  const slow = join(scratch, 'slow-python');
  writeFileSync(slow, '#!/bin/sh\nsleep 8\nexec /usr/bin/python3 "$@"\n');
  chmodSync(slow, 0o755);
  const venvDir = appVenvDir(join(scratch, 'env-data'));
  s = await startTestServer({}, {
    trainerEnv: { HF_HUB_OFFLINE: '1' },
    environment: { located: { profile: 'app', python: venvPython(venvDir), venvDir }, candidates: () => [{ cmd: [slow], source: 'test' }], installArgs: ['--min-free-gb', '100000'] },
  });
});

afterAll(async () => {
  await s?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

it('a job created during an install waits for it, with the reason, and starts when it ends', async () => {
  const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 'hold.jsonl'), purpose: 'fine-tune' });
  const run = await s.api('/v1/hone/environment/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'install' }) });
  expect(run.status).toBe(202);
  const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1 } });

  const held = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => j.status === 'queued' && /Python environment is being installed/.test(JSON.stringify(j)), 30_000, 'held');
  expect(held.status).toBe('queued');
  const env = (await (await s.api('/v1/hone/environment')).json()) as { status: string };
  expect(env.status).toBe('installing');

  // The run ends (disk_full here); the job is no longer held and trains.
  const started = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => j.status !== 'queued' && j.status !== 'validating_files', 60_000, 'start after the run');
  expect(['running', 'succeeded']).toContain(started.status);
  // It ended by itself (the slow Python outlasts the version probe, or the disk check refuses): a failed run.
  const last = (await (await s.api('/v1/hone/environment')).json()) as { status: string; last_run: { error: { code: string } | null } | null };
  expect(last.status).not.toBe('installing');
  expect(['python_not_found', 'disk_full']).toContain(last.last_run?.error?.code);
}, 120_000);
