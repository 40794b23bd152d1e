/**
 * bench/upload: throughput of Hone's upload paths against `cp` of the same file on the same disk,
 * in the same run, and the server's memory growth.
 *   1. `files.create` (one multipart request) with a 1 GiB file, through the official Python SDK;
 *   2. the Uploads API with a 2 GiB file in 64 MB parts (create → parts → complete), as the SDK's
 *      SDK's `uploads.upload_file_chunked` helper does (parts one after another, in order).
 * Targets: throughput ratio ≥ 0.5 of cp (timed around each run); server RSS growth ≤ 100 MB.
 * Usage: npx tsx bench/upload/run.ts [--small]   (--small: 64 MiB / 128 MiB, for a quick check)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { startServerProcess } from '../lib/server-process.js';
import { MAX_PART_BYTES } from '../../electron/shared/constants.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = join(HERE, '../../.venv/bin/python');
const small = process.argv.includes('--small');
const MiB = 1024 * 1024;
const SIZE_FILES = (small ? 64 : 1024) * MiB;
const SIZE_UPLOADS = (small ? 128 : 2048) * MiB;

function makeFile(path: string, bytes: number): void {
  const block = randomBytes(4 * MiB); // incompressible; repeated blocks keep generation fast
  const fd = openSync(path, 'w');
  for (let done = 0; done < bytes; done += block.length) writeSync(fd, block, 0, Math.min(block.length, bytes - done));
  closeSync(fd);
}

/** Seconds for `cp` + fsync of the copy (Hone fsyncs before a file is visible, so cp must too). */
function cpSeconds(src: string, dst: string): number {
  execFileSync('sync');
  const t = performance.now();
  execFileSync('cp', [src, dst]);
  execFileSync('sync', ['-f', dst]);
  const s = (performance.now() - t) / 1000;
  rmSync(dst);
  return s;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'hone-bench-upload-'));
  try {
    const f1 = join(work, 'one.bin');
    const f2 = join(work, 'two.bin');
    makeFile(f1, SIZE_FILES);
    makeFile(f2, SIZE_UPLOADS);
    const key = 'bench-key';
    const server = await startServerProcess(join(work, 'data'), key);
    const rssStart = server.rss();
    // The client runs in its own process (the official Python SDK, as in the seed guide), so its
    // memory and CPU are not counted as the server's. Server CPU seconds are shown per path: they
    // vary less than wall time on a busy machine. cp is timed right before and right after each
    // Hone run and the mean taken: on a shared machine one cp varies several-fold between runs.
    const measure = (args: string[], src: string, size: number) => {
      const cpBefore = cpSeconds(src, join(work, 'cp.bin'));
      const cpu0 = server.cpuSeconds();
      const out = execFileSync(PYTHON, [join(HERE, 'client.py'), server.url, key, ...args], { encoding: 'utf8' });
      const r = JSON.parse(out.trim().split('\n').pop()!) as { bytes: number; s: number };
      if (r.bytes !== size) throw new Error(`size mismatch: ${out}`);
      const cpu = server.cpuSeconds() - cpu0;
      const cpAfter = cpSeconds(src, join(work, 'cp.bin'));
      return { s: r.s, cpu, cp: [cpBefore, cpAfter] as const };
    };
    const up1 = measure(['files', f1], f1, SIZE_FILES);
    const up2 = measure(['uploads', f2, String(MAX_PART_BYTES)], f2, SIZE_UPLOADS);

    const peak = server.peakRss();
    await server.stop();
    const mbps = (bytes: number, s: number) => bytes / MiB / s;
    const rows = [
      ['files.create', SIZE_FILES, up1],
      ['uploads (64 MB parts)', SIZE_UPLOADS, up2],
    ] as const;
    console.log(`\nbench/upload  (${small ? 'small' : 'full'} run; cp includes fsync, as Hone does; load average ${loadavg()[0]!.toFixed(1)})`);
    console.log('path                     size      Hone MB/s   cp MB/s (before/after)   ratio (target ≥ 0.5)   server CPU s');
    for (const [name, size, up] of rows) {
      const cp = (up.cp[0] + up.cp[1]) / 2;
      const cpCol = `${mbps(size, cp).toFixed(0)} (${mbps(size, up.cp[0]).toFixed(0)}/${mbps(size, up.cp[1]).toFixed(0)})`;
      console.log(
        `${name.padEnd(24)} ${(size / MiB).toFixed(0).padStart(5)} MiB ${mbps(size, up.s).toFixed(0).padStart(9)}   ${cpCol.padEnd(22)}   ${(cp / up.s).toFixed(2).padEnd(22)} ${up.cpu.toFixed(1)}`,
      );
    }
    console.log(`server RSS: start ${(rssStart / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, growth ${((peak - rssStart) / MiB).toFixed(0)} MiB (target ≤ 100)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
