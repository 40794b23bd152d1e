/**
 * bench/jobs: scheduling latency and API latency under a console flood.
 *   1. jobs.create → trainer process running, with a free slot (real trainer, hone-tiny-llama),
 *      against the floor: spawning the same `python -m hone_trainer` command directly.
 *   2. GET /v1/files p50/p99 while a job prints 10,000 lines/s to its console, against the same
 *      requests with no job running. Target: p99 under load within 2× of idle.
 * Usage: npx tsx bench/jobs/run.ts [--requests 2000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI, { toFile } from 'openai';
import { startServerProcess } from '../lib/server-process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../..');
const PYTHON = join(ROOT, '.venv/bin/python');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const REQUESTS = arg('--requests', 2000);
const KEY = 'bench-key';

function dataset(n = 12): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }] }),
  ).join('\n');
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function latencies(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(`${url}/v1/files?limit=20`, { headers: { authorization: `Bearer ${KEY}` } });
    await r.arrayBuffer();
    out.push(performance.now() - t);
  }
  return out;
}

async function waitStatus(client: OpenAI, id: string, ok: (s: string) => boolean, timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = await client.fineTuning.jobs.retrieve(id);
    if (ok(j.status)) return j.status;
    if (Date.now() > end) throw new Error(`job ${id} stuck in ${j.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'hone-bench-jobs-'));
  const servers: Array<{ stop(): Promise<void>; proc: { exitCode: number | null } }> = [];
  try {
    // ---- 1. create → running ----------------------------------------------------------------
    const floorRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      spawnSync(PYTHON, ['-c', 'import hone_trainer'], { cwd: ROOT });
      floorRuns.push(performance.now() - t);
    }
    const real = await startServerProcess(join(work, 'real'), KEY, { HF_HUB_OFFLINE: '1' });
    servers.push(real);
    const c1 = new OpenAI({ apiKey: KEY, baseURL: `${real.url}/v1`, maxRetries: 0 });
    const f1 = await c1.files.create({ file: await toFile(Buffer.from(dataset()), 't.jsonl'), purpose: 'fine-tune' });
    const startRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const job = await c1.fineTuning.jobs.create({ training_file: f1.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 50 } });
      await waitStatus(c1, job.id, (s) => s === 'running', 60_000);
      startRuns.push(performance.now() - t);
      await c1.fineTuning.jobs.cancel(job.id);
      await new Promise((r) => setTimeout(r, 3000)); // let the slot free up
    }
    await real.stop();

    // ---- 2. GET /v1/files latency, idle vs console flood ---------------------------------------
    const floodPy = join(work, 'flood-python');
    // Only `-m hone_trainer train` is replaced by the flood; everything else (model list) is the real Python.
    writeFileSync(
      floodPy,
      `#!/bin/sh\nif [ "$1 $2 $3" = "-m hone_trainer train" ]; then shift 3; exec "${PYTHON}" "${join(HERE, 'flood-trainer.py')}" "$@"; fi\nexec "${PYTHON}" "$@"\n`,
      { mode: 0o755 },
    );
    const flood = await startServerProcess(join(work, 'flood'), KEY, { HONE_PYTHON: floodPy, FLOOD_SECONDS: '600' });
    servers.push(flood);
    const c2 = new OpenAI({ apiKey: KEY, baseURL: `${flood.url}/v1`, maxRetries: 0 });
    const f2 = await c2.files.create({ file: await toFile(Buffer.from(dataset()), 't.jsonl'), purpose: 'fine-tune' });
    await latencies(flood.url, 200); // warm-up
    const idle = await latencies(flood.url, REQUESTS);
    const job = await c2.fineTuning.jobs.create({ training_file: f2.id, model: 'hone-tiny-llama' });
    await waitStatus(c2, job.id, (s) => s === 'running', 60_000);
    const consoleFile = join(work, 'flood', 'jobs', job.id, 'console.log');
    await new Promise((r) => setTimeout(r, 1000));
    const size0 = statSync(consoleFile).size;
    const t0 = performance.now();
    const loaded = await latencies(flood.url, REQUESTS);
    const secs = (performance.now() - t0) / 1000;
    const lines = (statSync(consoleFile).size - size0) / 100; // each flood line is 100 bytes
    await c2.fineTuning.jobs.cancel(job.id);
    await flood.stop();

    const med = (xs: number[]) => pct(xs, 50);
    console.log('\nbench/jobs');
    console.log(`create → trainer running (free slot): median ${med(startRuns).toFixed(0)} ms over ${startRuns.length} jobs; floor (spawn python + import hone_trainer) ${med(floorRuns).toFixed(0)} ms; ratio ${(med(startRuns) / med(floorRuns)).toFixed(2)}`);
    console.log(`console flood during the loaded run: ${(lines / secs).toFixed(0)} lines/s`);
    console.log(`GET /v1/files (${REQUESTS} sequential requests)   p50 ms   p99 ms`);
    console.log(`  idle                                   ${pct(idle, 50).toFixed(2).padStart(6)}   ${pct(idle, 99).toFixed(2).padStart(6)}`);
    console.log(`  job flooding its console               ${pct(loaded, 50).toFixed(2).padStart(6)}   ${pct(loaded, 99).toFixed(2).padStart(6)}`);
    console.log(`  ratio loaded/idle                      ${(pct(loaded, 50) / pct(idle, 50)).toFixed(2).padStart(6)}   ${(pct(loaded, 99) / pct(idle, 99)).toFixed(2).padStart(6)}   (target p99 ≤ 2.0)`);
  } finally {
    for (const s of servers) if (s.proc.exitCode === null) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
