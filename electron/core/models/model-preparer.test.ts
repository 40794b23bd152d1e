/** A failed preparation is reported to pollers instead of being restarted on every poll. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelPreparer } from './model-preparer.js';
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
