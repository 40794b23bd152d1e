/**
 * The editor's example pages on a big file: generates a ~1 GB chat JSONL, starts a real server
 * process, uploads it, then measures the first page on first open (index still building), the
 * index build, a deep page (offset 500000, median of 20) and the server's RSS. Baseline from the
 * same run: `wc -l` and a plain Node newline scan of the same file.
 *
 *   npx tsx bench/ui/examples-server.ts [bytes]
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, openAsBlob, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../validate/generate.js';
import { startServerProcess } from '../lib/server-process.js';

const BYTES = Number(process.argv[2] ?? 1e9);
const KEY = 'bench-key-examples-0123';
const dir = mkdtempSync(join(tmpdir(), 'hone-bench-ui-'));
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function newlineScan(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

async function main() {
  const path = join(dir, 'big.jsonl');
  const gen = await generate(path, BYTES);
  console.log(`generated ${(gen.bytes / 1e9).toFixed(2)} GB, ${gen.examples} examples`);

  let t = performance.now();
  execFileSync('wc', ['-l', path]);
  const wcMs = ms(t);
  t = performance.now();
  await newlineScan(path);
  const scanMs = ms(t);

  const server = await startServerProcess(join(dir, 'data'), KEY);
  const api = (p: string, init: RequestInit = {}) => fetch(`${server.url}${p}`, { ...init, headers: { authorization: `Bearer ${KEY}`, ...(init.headers ?? {}) } });
  try {
    const form = new FormData();
    form.set('purpose', 'fine-tune');
    form.set('file', await openAsBlob(path), 'big.jsonl');
    t = performance.now();
    const file = (await (await api('/v1/files', { method: 'POST', body: form })).json()) as { id: string };
    console.log(`upload ${(ms(t) / 1000).toFixed(1)} s`);
    // Let the upload's own validation finish first, so it does not share the CPU with the index build.
    for (;;) {
      const f = (await (await api(`/v1/files/${file.id}`)).json()) as { status: string };
      if (f.status !== 'uploaded') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const rssBefore = server.rss();

    const open = performance.now();
    const first = (await (await api(`/v1/files/${file.id}/examples?limit=100`)).json()) as { data: unknown[]; total: number | null };
    const firstMs = ms(open);
    let total: number | null = first.total;
    while (total === null) {
      await new Promise((r) => setTimeout(r, 20));
      total = ((await (await api(`/v1/files/${file.id}/examples?limit=1`)).json()) as { total: number | null }).total;
    }
    const buildMs = ms(open);

    const deep: number[] = [];
    for (let i = 0; i < 20; i++) {
      t = performance.now();
      const p = (await (await api(`/v1/files/${file.id}/examples?offset=500000&limit=100`)).json()) as { data: { index: number }[] };
      deep.push(ms(t));
      if (p.data[0]?.index !== 500000) throw new Error('wrong page');
    }
    // Saving one edit streams the whole file into a new one (and hashes it).
    t = performance.now();
    const edited = await api(`/v1/files/${file.id}/derive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ edits: [{ op: 'delete', index: 500000 }] }),
    });
    const deriveMs = ms(t);
    if (edited.status !== 200) throw new Error(`derive: ${await edited.text()}`);
    t = performance.now();
    execFileSync('cp', [path, join(dir, 'copy.jsonl')]);
    const cpMs = ms(t);
    console.log('\n| measure | value |\n|---|---|');
    console.log(`| file | ${(gen.bytes / 1e9).toFixed(2)} GB, ${total} examples |`);
    console.log(`| first page (100 examples) on first open | ${firstMs.toFixed(0)} ms (${first.data.length} examples, total ${first.total}) |`);
    console.log(`| index build (first request → total known) | ${(buildMs / 1000).toFixed(2)} s (${(gen.bytes / 1e6 / (buildMs / 1000)).toFixed(0)} MB/s) |`);
    console.log(`| baseline: wc -l | ${(wcMs / 1000).toFixed(2)} s |`);
    console.log(`| baseline: Node newline scan | ${(scanMs / 1000).toFixed(2)} s |`);
    console.log(`| build / Node newline scan | ${(buildMs / scanMs).toFixed(2)}× |`);
    console.log(`| offset 500000, 100 examples, median of 20 | ${median(deep).toFixed(1)} ms (max ${Math.max(...deep).toFixed(1)}) |`);
    console.log(`| derive (1 delete → new 1 GB file, md5+sha256) | ${(deriveMs / 1000).toFixed(2)} s; baseline cp ${(cpMs / 1000).toFixed(2)} s |`);
    console.log(`| server RSS before open / after / peak | ${(rssBefore / 2 ** 20).toFixed(0)} / ${(server.rss() / 2 ** 20).toFixed(0)} / ${(server.peakRss() / 2 ** 20).toFixed(0)} MiB |`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
