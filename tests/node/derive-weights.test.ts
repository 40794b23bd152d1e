/**
 * POST /v1/files/{id}/derive with `weights`: the editor's whole-file bulk rule, applied on the
 * server to every example (copied, replaced and inserted) with the shared applyWeightRule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s.stop());

const turns = (...w: (number | null)[]) =>
  JSON.stringify({
    messages: w.flatMap((x, i) => [
      { role: 'user', content: `q${i}` },
      x === null ? { role: 'assistant', content: `a${i}` } : { role: 'assistant', content: `a${i}`, weight: x },
    ]),
  });

async function derive(id: string, body: unknown) {
  return s.api(`/v1/files/${id}/derive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('derive with a weight rule', () => {
  it('trains only the last assistant turn of every example, keeping untouched lines byte for byte', async () => {
    const spaced = '{"messages": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "only"}]}';
    const pref = '{"input": {"messages": [{"role": "user", "content": "u"}]}, "preferred_output": [{"role": "assistant", "content": "y"}], "non_preferred_output": [{"role": "assistant", "content": "n"}]}';
    const src = [turns(null, null), spaced, pref, turns(1, 0, null)].join('\n') + '\n';
    const f = await s.client.files.create({ file: await toFile(Buffer.from(src), 'weights.jsonl'), purpose: 'fine-tune' });
    const res = await derive(f.id, {
      weights: 'last_assistant_only',
      edits: [
        { op: 'replace', index: 1, example: turns(null, 1) },
        { op: 'insert', after: 3, examples: [turns(0, 0)] },
      ],
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { id: string };
    const text = await (await s.api(`/v1/files/${out.id}/content`)).text();
    expect(text).toBe([turns(0, null), turns(0, 1), pref, turns(0, 0, null), turns(0, 1)].join('\n') + '\n');

    const all = (await (await derive(f.id, { weights: 'all_assistant', edits: [] })).json()) as { id: string };
    const allText = await (await s.api(`/v1/files/${all.id}/content`)).text();
    expect(allText).toBe([turns(null, null), spaced, pref, turns(1, 1, null)].join('\n') + '\n');
  });

  it('rejects an unknown rule with the error envelope naming the field', async () => {
    const f = await s.client.files.create({ file: await toFile(Buffer.from(turns(null) + '\n'), 'weights-bad.jsonl'), purpose: 'fine-tune' });
    const e = await errorOf(await derive(f.id, { weights: 'some', edits: [] }));
    expect(e).toMatchObject({ status: 400, error: { type: 'invalid_request_error' } });
    expect(JSON.stringify(e.error)).toContain('weights');
  });
});
