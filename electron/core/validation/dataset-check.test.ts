import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../core.js';
import { workerDatasetCheck } from './dataset-check.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hone-dscheck-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function store(core: Awaited<ReturnType<typeof createCore>>, text: string) {
  const tmp = join(core.dirs.tmpDir, 'x');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(tmp, text);
  return core.files.add({ tmpPath: tmp, bytes: Buffer.byteLength(text), md5: '0'.repeat(32), sha256: '0'.repeat(64) }, { filename: 'd.jsonl', purpose: 'batch' });
}

describe('workerDatasetCheck (job creation)', () => {
  it('enforces the format and the 10-example minimum; uses the model tokenizer when installed', async () => {
    const core = await createCore({ dataDir });
    try {
      const line = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }] });
      const check = workerDatasetCheck(core.files, core.dirs);
      const few = await store(core, line + '\n');
      expect((await check(few.id, { format: 'chat', model: 'hone-tiny-llama' })).error_counts).toEqual({ too_few_examples: 1 });
      const pref = await check(few.id, { format: 'preference', model: 'x' });
      expect(pref.error_counts.unexpected_format).toBe(1);

      const ok = await store(core, Array(12).fill(line).join('\n'));
      expect((await check(ok.id, { format: 'chat', model: 'meta-llama/Llama-3.1-8B' })).stats.token_counting.method).toBe('estimate');
      cpSync(new URL('../../shared/validation/fixtures/hone-tiny-llama', import.meta.url), join(core.dirs.modelsDir, 'hone-tiny-llama'), { recursive: true });
      const exact = await check(ok.id, { format: 'chat', model: 'hone-tiny-llama' });
      expect(exact.valid).toBe(true);
      expect(exact.stats.token_counting).toMatchObject({ method: 'model', model: 'hone-tiny-llama' });
    } finally {
      await core.close();
    }
  });
});
