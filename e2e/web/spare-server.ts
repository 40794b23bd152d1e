/**
 * A throw-away headless Hone for one spec: its own data dir and port, none of the shared e2e server's
 * HONE_* overrides (plus what the spec passes), the key from HONE_API_KEY when the spec passes one,
 * else the one it generates. Resolves on its HONE_READY line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Spare {
  proc: ChildProcess;
  url: string;
  key: string;
  dir: string;
}

export const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

export async function startSpare(prefix: string, extraEnv: Record<string, string> = {}): Promise<Spare> {
  const dir = mkdtempSync(join(tmpdir(), `hone-${prefix}-e2e-`));
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('HONE_') || k === 'HF_TOKEN') delete env[k];
  Object.assign(env, extraEnv);
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/core/headless.ts', '--port', String(port), '--data-dir', dir], {
    cwd: resolve(import.meta.dirname, '../..'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<Spare>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`spare server did not start:\n${out}\n${err}`)), 60_000);
    proc.once('exit', (code) => fail(new Error(`spare server exited ${code}:\n${out}\n${err}`)));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const ready = /HONE_READY (\{.*\})/.exec(out);
      const key = extraEnv.HONE_API_KEY ?? /API key \(new[^)]*\): (\S+)/.exec(out)?.[1];
      if (ready && key) {
        clearTimeout(timer);
        ok({ proc, url: (JSON.parse(ready[1]!) as { url: string }).url, key, dir });
      }
    });
  });
}

/** Stops it (SIGTERM, up to 20 s for a clean shutdown) and removes its data dir. */
export async function stopSpare(spare: Spare | undefined): Promise<void> {
  if (!spare) return;
  const exited = new Promise((r) => spare.proc.once('exit', r));
  spare.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  rmSync(spare.dir, { recursive: true, force: true });
}
