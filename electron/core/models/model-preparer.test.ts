/** A failed preparation is reported to pollers instead of being restarted on every poll. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelPreparer, parseProgress } from './model-preparer.js';
import type { ModelCatalog } from './catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'hone-preparer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const catalog = { entries: async () => [{ id: 'tiny', kind: 'builtin', description: '', prepared: false, path: null }] } as unknown as ModelCatalog;

describe('ModelPreparer', () => {
  it('reports a failed built-in as failed (no restart loop) and unknown names as unknown', async () => {
    // `false` exits 1 whatever its arguments: every `models prepare` fails.
    const p = new ModelPreparer('false', dir, catalog);
    expect(await p.state('tiny')).toEqual({ status: 'preparing' });
    await expect(p.prepare('tiny')).rejects.toMatchObject({ status: 503, code: 'model_prepare_failed' });
    const failed = await p.state('tiny');
    expect(failed).toMatchObject({ status: 'failed' });
    expect(await p.state('tiny')).toMatchObject({ status: 'failed' }); // still reported, not started again
    expect(await p.state('nope')).toEqual({ status: 'unknown' });
  });
});

describe('parseProgress', () => {
  it("reads the trainer's last (done/total bytes), carriage returns and unknown totals included", () => {
    const err = '\rDownloading a/b: 0.0 MB of 2.0 MB (0/2000000 bytes)\rDownloading a/b: 1.0 MB of 2.0 MB (1000000/2000000 bytes)';
    expect(parseProgress(err, null)).toEqual({ bytes_done: 1000000, bytes_total: 2000000 });
    expect(parseProgress('Preparing x: 0.5 MB (500000/? bytes)', 7)).toEqual({ bytes_done: 500000, bytes_total: 7 });
    expect(parseProgress('Loading weights', null)).toBeNull();
  });
});
