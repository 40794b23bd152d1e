import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toFile } from 'openai';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import type { ExamplePage } from '../../electron/shared/schemas/datasets.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s.stop());

const chat = (u: string, a = 'ok') => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });

async function upload(content: string | Buffer, name: string): Promise<string> {
  const f = await s.client.files.create({ file: await toFile(Buffer.from(content), name), purpose: 'fine-tune' });
  return f.id;
}
async function page(id: string, q = ''): Promise<ExamplePage> {
  const res = await s.api(`/v1/files/${id}/examples${q}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ExamplePage;
}
/** Pages until the index is done. */
async function full(id: string, q = ''): Promise<ExamplePage> {
  for (;;) {
    const p = await page(id, q);
    if (p.total !== null) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function derive(id: string, body: unknown): Promise<Response> {
  return s.api(`/v1/files/${id}/derive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
async function content(id: string): Promise<Buffer> {
  return Buffer.from(await (await s.api(`/v1/files/${id}/content`)).arrayBuffer());
}

describe('GET /v1/files/{id}/examples', () => {
  it('pages JSONL with blank lines, CRLF and non-ASCII text; lines are 1-based file lines', async () => {
    const lines = [chat('héllo wörld'), '', chat('二'), '   ', chat('three')];
    const id = await upload(lines.join('\r\n') + '\r\n', 'mixed.jsonl');
    const p = await full(id);
    expect(p).toMatchObject({ object: 'list', file_id: id, total: 3, offset: 0, container: 'jsonl', has_more: false, read_only_reason: null });
    expect(p.data.map((e) => [e.index, e.line, e.text])).toEqual([
      [0, 1, lines[0]],
      [1, 3, lines[2]],
      [2, 5, lines[4]],
    ]);
    expect(p.data[0]!.bytes).toBe(Buffer.byteLength(lines[0]!));
    const second = await page(id, '?offset=1&limit=1');
    expect(second.data.map((e) => e.index)).toEqual([1]);
    expect(second.has_more).toBe(true);
    const past = await page(id, '?offset=50');
    expect(past).toMatchObject({ data: [], total: 3, has_more: false });
  });

  it('splits a JSON array whose elements span lines, with strings holding brackets', async () => {
    const a = { messages: [{ role: 'user', content: 'a ] } [ { "quoted" \\' }, { role: 'assistant', content: 'b' }] };
    const text = `[\n  ${JSON.stringify(a, null, 2).replace(/\n/g, '\n  ')},\n  ${JSON.stringify({ messages: [] })}\n]\n`;
    const id = await upload(text, 'arr.json');
    const p = await full(id);
    expect(p.container).toBe('json_array');
    expect(p.total).toBe(2);
    expect(JSON.parse(p.data[0]!.text)).toEqual(a);
    expect(p.data[0]!.line).toBe(2);
    expect(p.data[1]!.line).toBe(2 + JSON.stringify(a, null, 2).split('\n').length);
  });

  it('cuts long examples on a UTF-8 boundary', async () => {
    const long = chat('€'.repeat(1000));
    const id = await upload(long + '\n', 'long.jsonl');
    const start = long.indexOf('€'); // bytes of the ASCII prefix
    const p = await full(id, `?max_bytes=${start + 4}`); // 1 byte into the second € (3 bytes each)
    expect(p.data[0]!.truncated).toBe(true);
    expect(p.data[0]!.text).toBe(long.slice(0, start + 1));
    const all = await full(id, '?max_bytes=0');
    expect(all.data[0]).toMatchObject({ truncated: false, text: long });
  });

  it('says why a file is read-only, and 404s / 400s on bad input', async () => {
    const id = await upload('this is not json\n{"a":1}\n', 'notes.jsonl');
    const p = await full(id);
    expect(p.read_only_reason).toMatch(/line 1: .*invalid JSON/);
    const scalars = await upload('[1, 2, 3]', 'nums.json');
    expect((await full(scalars)).read_only_reason).toMatch(/JSON object/);
    // Broken part-way: the first examples are shown, but saving would lose the rest.
    const broken = await upload(`[${chat('a')}, ${chat('b')} oops ${chat('c')}]`, 'broken.json');
    const bp = await full(broken);
    expect(bp.total).toBe(2);
    expect(bp.read_only_reason).toMatch(/invalid JSON/);
    expect(await errorOf(await derive(broken, { edits: [] }))).toMatchObject({ status: 400, error: { code: 'invalid_file' } });
    const truncated = await upload(`[${chat('a')}, {"messages": [`, 'cut.json');
    expect((await full(truncated)).read_only_reason).toMatch(/invalid JSON|truncated/);
    const empty = await upload('[]', 'empty.json');
    expect(await full(empty)).toMatchObject({ total: 0, read_only_reason: null });
    const e404 = await errorOf(await s.api('/v1/files/nope/examples'));
    expect(e404).toMatchObject({ status: 404, error: { param: 'file_id' } });
    const e400 = await errorOf(await s.api(`/v1/files/${id}/examples?limit=0`));
    expect(e400).toMatchObject({ status: 400, error: { param: 'limit' } });
  });

  it('answers concurrent first requests from one index, rebuilds a missing one and removes it with the file', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => chat(`q${i}`));
    const id = await upload(lines.join('\n') + '\n', 'many.jsonl');
    const pages = await Promise.all(Array.from({ length: 8 }, (_, i) => page(id, `?offset=${i * 600}&limit=3`)));
    pages.forEach((p, i) => expect(p.data.map((e) => e.text)).toEqual(lines.slice(i * 600, i * 600 + 3)));
    const done = await full(id, '?offset=4999');
    expect(done.total).toBe(5000);
    const idx = join(s.dataDir, 'indexes', `${id}.idx`);
    expect(existsSync(idx)).toBe(true);
    rmSync(idx);
    s.core.examples.invalidate(id);
    expect((await full(id, '?offset=4998')).data.map((e) => e.text)).toEqual(lines.slice(4998));
    expect(existsSync(idx)).toBe(true);
    await s.client.files.delete(id);
    expect(existsSync(idx)).toBe(false);
  });

  it('serves the first page of a 50 MB file fast and a deep page from the finished index', async () => {
    const line = chat('x'.repeat(400), 'y'.repeat(200));
    const n = Math.ceil((50 << 20) / (line.length + 1));
    const id = await upload(Buffer.from(`${line}\n`.repeat(n)), 'big.jsonl');
    let t = performance.now();
    const first = await page(id, '?limit=10');
    const firstMs = performance.now() - t;
    expect(first.data).toHaveLength(10);
    const done = await full(id, '?limit=1');
    expect(done.total).toBe(n);
    t = performance.now();
    const deep = await page(id, `?offset=${n - 5}&limit=5`);
    const deepMs = performance.now() - t;
    expect(deep.data.map((e) => e.index)).toEqual([n - 5, n - 4, n - 3, n - 2, n - 1]);
    expect(deep.data[4]!.line).toBe(n);
    // Loose bounds: a shared 2-core VM; the bench measures properly.
    expect(firstMs).toBeLessThan(1500);
    expect(deepMs).toBeLessThan(200);
    console.log(`50 MB: first page ${firstMs.toFixed(0)} ms, deep page ${deepMs.toFixed(1)} ms`);
  });
});

describe('POST /v1/files/{id}/derive', () => {
  it('applies replace / delete / insert and copies unchanged lines byte for byte', async () => {
    const lines = [chat('a'), chat('b  with  spaces'), chat('c'), chat('d')];
    const src = `${lines[0]}\r\n\n${lines[1]}\n${lines[2]}\n${lines[3]}`; // CRLF, blank line, no final newline
    const id = await upload(src, 'orig.jsonl');
    const res = await derive(id, {
      edits: [
        { op: 'insert', after: -1, examples: [chat('first')] },
        { op: 'replace', index: 2, example: chat('C') },
        { op: 'delete', index: 3 },
        { op: 'insert', after: 1, examples: [chat('x'), chat('y')] },
      ],
    });
    expect(res.status).toBe(200);
    const f = (await res.json()) as { id: string; filename: string; purpose: string };
    expect(f).toMatchObject({ filename: 'orig.edited-1.jsonl', purpose: 'fine-tune' });
    const expected = [chat('first'), lines[0], lines[1], chat('x'), chat('y'), chat('C')].join('\n') + '\n';
    expect((await content(f.id)).equals(Buffer.from(expected))).toBe(true);
    const again = (await (await derive(id, { edits: [] })).json()) as { filename: string; id: string };
    expect(again.filename).toBe('orig.edited-2.jsonl');
    expect((await content(again.id)).toString()).toBe(lines.join('\n') + '\n');
    const named = (await (await derive(f.id, { edits: [], filename: 'mine.jsonl' })).json()) as { filename: string };
    expect(named.filename).toBe('mine.jsonl');
  });

  it('writes a JSON array as JSON Lines, re-serialising only multi-line elements', async () => {
    const a = { messages: [{ role: 'user', content: 'é' }] };
    const oneLine = '{"messages": [ {"role":"user","content":"kept as is"} ]}';
    const id = await upload(`[${JSON.stringify(a, null, 2)},\n ${oneLine}]`, 'arr2.json');
    const res = await derive(id, { edits: [] });
    const f = (await res.json()) as { id: string; filename: string };
    expect(f.filename).toBe('arr2.edited-1.jsonl');
    expect((await content(f.id)).toString()).toBe(`${JSON.stringify(a)}\n${oneLine}\n`);
  });

  it('names the offending edit', async () => {
    const id = await upload([chat('a'), chat('b')].join('\n') + '\n', 'two.jsonl');
    const cases: [unknown[], string][] = [
      [[{ op: 'delete', index: 0 }, { op: 'delete', index: 5 }], 'edits[1].index'],
      [[{ op: 'replace', index: 1, example: chat('z') }, { op: 'delete', index: 1 }], 'edits[1].index'],
      [[{ op: 'delete', index: 0 }, { op: 'delete', index: 1 }, { op: 'replace', index: 0, example: '{"a":\n1}' }], 'edits[2].index'],
      [[{ op: 'delete', index: 0 }, { op: 'delete', index: 1 }, { op: 'insert', after: 0, examples: ['{"a":\n1}'] }], 'edits[2].examples[0]'],
      [[{ op: 'replace', index: 0, example: '[1]' }], 'edits[0].example'],
      [[{ op: 'replace', index: 0, example: '{"a":1}\n' }], 'edits[0].example'],
      [[{ op: 'insert', after: 2, examples: [chat('q')] }], 'edits[0].after'],
    ];
    for (const [edits, param] of cases) {
      const e = await errorOf(await derive(id, { edits }));
      expect(e, JSON.stringify(edits)).toMatchObject({ status: 400, error: { param, type: 'invalid_request_error' } });
    }
    expect((await errorOf(await derive('missing', { edits: [] }))).status).toBe(404);
    expect((await errorOf(await derive(id, { edits: [{ op: 'nope' }] }))).status).toBe(400);
  });
});
