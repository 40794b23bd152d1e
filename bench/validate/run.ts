/**
 * Dataset-validator benchmark: generates a chat JSONL (1 GB by default, streamed to a temp dir),
 * then measures throughput and peak RSS of
 *   - the Python baseline: `json.loads` per line, nothing else;
 *   - the validator's format pass (every check, estimate token stats);
 *   - the validator's tokenised pass (hone-tiny-llama's tokenizer + chat template, or --model-dir),
 * each in its own process, and prints each pass as a ratio against the baseline on the same bytes.
 *
 *   npx tsx bench/validate/run.ts                     # 1 GB; tokenised pass on the first 16 MB
 *   npx tsx bench/validate/run.ts --size 100m         # quick run (--repeat 1 for quicker still)
 *   npx tsx bench/validate/run.ts --tokenized-size all --model-dir <dataDir>/models/<name>
 *
 * Targets (issue 3): format pass faster than the baseline; peak RSS < 200 MB whatever the size.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './generate.js';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1g' },
    'tokenized-size': { type: 'string', default: '16m' },
    'model-dir': { type: 'string' },
    file: { type: 'string' },
    keep: { type: 'boolean', default: false },
    repeat: { type: 'string', default: '2' },
  },
});

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(s.trim());
  if (!m) throw new Error(`bad size '${s}' (e.g. 1g, 100m, 512k)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

interface PassResult {
  seconds: number;
  cpuSeconds: number;
  bytes: number;
  maxRssMB: number;
  examples?: number;
}

function run(cmd: string, argv: string[]): Promise<PassResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as PassResult);
    });
  });
}

const PY_BASELINE = `
import json, resource, sys, time
t = time.perf_counter(); c = time.process_time(); n = 0; b = 0
with open(sys.argv[1], 'rb') as f:
    for line in f:
        b += len(line)
        if line.strip():
            json.loads(line); n += 1
print(json.dumps({'seconds': time.perf_counter() - t, 'cpuSeconds': time.process_time() - c, 'bytes': b, 'examples': n,
                  'maxRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

const passScript = fileURLToPath(new URL('./pass.ts', import.meta.url));
const repeat = Math.max(1, Number(args.repeat));

/** Best of `repeat` runs (by wall time): the machine may be shared, and noise only slows a run down. */
async function best(f: () => Promise<PassResult>): Promise<PassResult> {
  let b: PassResult | null = null;
  for (let i = 0; i < repeat; i++) {
    const r = await f();
    if (!b || r.seconds < b.seconds) b = r;
  }
  return b!;
}

/** Reads a file once so that every timed pass starts from the page cache, not the disk. */
async function warm(file: string): Promise<void> {
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 22 })) void _;
}
const python = () => (x: string) => run('python3', ['-c', PY_BASELINE, x]);
const node = (mode: 'format' | 'tokenized') => (x: string) =>
  // The heap limits of the server's validation worker (VALIDATION_HEAP in run-in-worker.ts).
  run(process.execPath, ['--max-semi-space-size=4', '--max-old-space-size=512', '--import', 'tsx', passScript, x, mode, ...(args['model-dir'] ? [args['model-dir']] : [])]);

/** Copies the first `bytes` of a file, cut at a line end. */
async function prefix(src: string, dst: string, bytes: number): Promise<void> {
  const out = createWriteStream(dst);
  let left = bytes;
  for await (const chunk of createReadStream(src, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (chunk.length < left) {
      if (!out.write(chunk)) await once(out, 'drain');
      left -= chunk.length;
      continue;
    }
    const cut = chunk.lastIndexOf(10, left - 1);
    out.write(chunk.subarray(0, cut + 1));
    break;
  }
  out.end();
  await once(out, 'finish');
}

const mb = (b: number) => b / 1024 ** 2;
const fmt = (n: number, d = 1) => n.toFixed(d).padStart(8);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hone-bench-validate-'));
  try {
    let file = args.file;
    if (!file) {
      file = join(dir, 'chat.jsonl');
      const want = parseSize(args.size!);
      process.stdout.write(`generating ${mb(want).toFixed(0)} MB of chat JSONL in ${dir} ... `);
      const t = performance.now();
      const g = await generate(file, want);
      console.log(`${g.examples} examples in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const size = statSync(file).size;
    const tokSize = args['tokenized-size'] === 'all' ? size : Math.min(size, parseSize(args['tokenized-size']!));
    let tokFile = file;
    if (tokSize < size) {
      tokFile = join(dir, 'chat-prefix.jsonl');
      await prefix(file, tokFile, tokSize);
    }

    const rows: [string, PassResult, PassResult][] = [];
    console.log(`\nbaseline: python3 json.loads per line (${process.platform}, node ${process.version}); best of ${repeat} runs, warm page cache`);
    await warm(file);
    const base = await best(() => python()(file));
    const fmtPass = await best(() => node('format')(file));
    rows.push(['format pass', fmtPass, base]);
    const tokBase = tokFile === file ? base : await best(() => python()(tokFile));
    const tokPass = await node('tokenized')(tokFile); // minutes per GB: once is enough
    rows.push([`tokenised pass${tokFile === file ? '' : ` (first ${mb(statSync(tokFile).size).toFixed(0)} MB)`}`, tokPass, tokBase]);

    // Wall-clock and CPU-time ratios: on a shared machine CPU time is the steadier of the two.
    console.log('\npass                            MB   wall s  MB/s  ratio    cpu s  MB/s  ratio  peak RSS MB');
    for (const [name, r, b] of [['python baseline', base, base] as [string, PassResult, PassResult], ...rows]) {
      const rate = mb(r.bytes) / r.seconds;
      const cpuRate = mb(r.bytes) / r.cpuSeconds;
      const ratio = rate / (mb(b.bytes) / b.seconds);
      const cpuRatio = cpuRate / (mb(b.bytes) / b.cpuSeconds);
      console.log(
        `${name.padEnd(28)}${fmt(mb(r.bytes), 0)}${fmt(r.seconds, 2)}${fmt(rate, 1).slice(2)}${fmt(ratio, 2).slice(1)}x${fmt(r.cpuSeconds, 2)}${fmt(cpuRate, 1).slice(2)}${fmt(cpuRatio, 2).slice(1)}x${fmt(r.maxRssMB, 0).padStart(13)}`,
      );
    }
    const formatRatio = base.seconds / fmtPass.seconds;
    const formatCpuRatio = base.cpuSeconds / fmtPass.cpuSeconds;
    const peak = Math.max(fmtPass.maxRssMB, tokPass.maxRssMB);
    console.log(
      `\ntarget: format pass faster than baseline: ${formatRatio > 1 ? 'PASS' : 'FAIL'} (${formatRatio.toFixed(2)}x MB/s; by CPU time ${formatCpuRatio.toFixed(2)}x, Node's GC threads included)`,
    );
    console.log(`target: validator peak RSS < 200 MB:      ${peak < 200 ? 'PASS' : 'FAIL'} (${peak.toFixed(0)} MB, includes ~35 MB of tsx)`);
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

await main();
