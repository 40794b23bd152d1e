import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFile } from 'openai';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import { REPO_ROOT } from '../../electron/core/python/locate.js';
import type { ModelTokenizer } from '../../electron/shared/schemas/tokenizer.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s.stop());

describe('built-in samples', () => {
  it('lists the samples with counts and imports one as a fine-tune file', async () => {
    const list = (await (await s.api('/v1/hone/samples')).json()) as { data: { name: string; format: string; examples: number; bytes: number; description: string }[] };
    const chat = list.data.find((d) => d.name === 'marv-chat.jsonl')!;
    expect(chat).toMatchObject({ format: 'chat', examples: 12 });
    expect(chat.description).toMatch(/12 single-turn/);
    expect(list.data.find((d) => d.name === 'marv-preference.jsonl')).toMatchObject({ format: 'preference', examples: 10 });
    expect(list.data.find((d) => d.name === 'seed-sample.json')).toMatchObject({ examples: 1 });

    const res = await s.api('/v1/hone/samples/marv-chat.jsonl/import', { method: 'POST' });
    expect(res.status).toBe(200);
    const f = (await res.json()) as { id: string; filename: string; purpose: string; bytes: number };
    expect(f).toMatchObject({ filename: 'marv-chat.jsonl', purpose: 'fine-tune', bytes: chat.bytes });
    const body = Buffer.from(await (await s.api(`/v1/files/${f.id}/content`)).arrayBuffer());
    expect(body.equals(readFileSync(join(REPO_ROOT, 'resources/datasets/marv-chat.jsonl')))).toBe(true);

    const e = await errorOf(await s.api('/v1/hone/samples/nope.jsonl/import', { method: 'POST' }));
    expect(e).toMatchObject({ status: 404, error: { param: 'name' } });
  });
});

describe('model tokenizers, prepared on demand', () => {
  it('answers 202 while hone-tiny-llama is prepared, then its files; val_dataset with the model works', async () => {
    const first = await s.api('/v1/models/hone-tiny-llama/tokenizer');
    expect(first.status).toBe(202);
    expect(((await first.json()) as ModelTokenizer).status).toBe('preparing');
    // A concurrent validation waits for the same preparation instead of 404ing.
    const f = await s.client.files.create({ file: await toFile(readFileSync(join(REPO_ROOT, 'resources/datasets/marv-chat.jsonl')), 'm.jsonl'), purpose: 'fine-tune' });
    const val = await s.api(`/v1/val_dataset?file_id=${f.id}&model=hone-tiny-llama`, { method: 'POST' });
    expect(val.status).toBe(200);
    const report = (await val.json()) as { errors: string[]; stats: { token_counting: { method: string; model: string } } };
    expect(report.errors).toEqual(['No errors found']);
    expect(report.stats.token_counting).toMatchObject({ method: 'model', model: 'hone-tiny-llama' });

    let tok: ModelTokenizer | null = null;
    for (let i = 0; i < 600 && !tok; i++) {
      const r = await s.api('/v1/models/hone-tiny-llama/tokenizer');
      if (r.status === 200) tok = (await r.json()) as ModelTokenizer;
      else await new Promise((res) => setTimeout(res, 100));
    }
    expect(tok).toMatchObject({ status: 'ready', model: 'hone-tiny-llama' });
    expect(tok!.files!.tokenizer_json).toHaveProperty('model');
    expect(typeof tok!.files!.chat_template).toBe('string');
  }, 180_000);

  it('404s for a model that is neither installed nor built in', async () => {
    const e = await errorOf(await s.api('/v1/models/no-such-model/tokenizer'));
    expect(e).toMatchObject({ status: 404, error: { param: 'model', code: 'model_not_found' } });
    const f = await s.client.files.create({ file: await toFile(Buffer.from('{"a":1}\n'), 'x.jsonl'), purpose: 'fine-tune' });
    const v = await errorOf(await s.api(`/v1/val_dataset?file_id=${f.id}&model=no-such-model`, { method: 'POST' }));
    expect(v).toMatchObject({ status: 404, error: { param: 'model' } });
  });
});
