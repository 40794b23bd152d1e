import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const CLOCK_TICKS = 100; // USER_HZ, 100 on Linux
const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Resident set size now, in bytes (from /proc). */
  rss(): number;
  /** Peak resident set size since start (VmHWM), in bytes. */
  peakRss(): number;
  /** CPU time used so far (user + system, all threads), in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Runs the headless server as its own process, so its memory can be measured apart from the client. */
export async function startServerProcess(dataDir: string, key: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/core/headless.ts', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, HONE_MLFLOW: 'off', HONE_BENCHMARKS: 'off', ...env, HONE_API_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = await new Promise<string>((res, rej) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (line) => {
      if (line.startsWith('HONE_READY ')) res((JSON.parse(line.slice(11)) as { url: string }).url);
    });
    proc.on('exit', (code) => rej(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const status = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  };
  return {
    url,
    proc,
    rss: () => status('VmRSS'),
    peakRss: () => status('VmHWM'),
    cpuSeconds: () => {
      // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, after the `(comm)` field.
      const fields = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    stop: () =>
      new Promise<void>((res) => {
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  };
}
