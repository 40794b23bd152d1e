/**
 * What main decides before it forks the core: the port (8017 — the seed's — unless something else
 * holds it, then any free one, so a headless server already running does not stop the desktop app)
 * and, from a source checkout only, test overrides on the command line (`--hone-user-data=DIR`,
 * `--hone-port=N`) so e2e runs get their own profile. A packaged app ignores them.
 */
import { createServer } from 'node:net';

export interface LaunchOverrides {
  userData: string | null;
  port: number | null;
}

export function launchOverrides(argv: string[], packaged: boolean): LaunchOverrides {
  if (packaged) return { userData: null, port: null };
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
  const port = value('hone-port');
  const n = port === null ? null : Number(port);
  return { userData: value('hone-user-data'), port: n !== null && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null };
}

/** `preferred` when it can be bound on 127.0.0.1 now, else 0 (the core then takes any free port). */
export function availablePort(preferred: number, host = '127.0.0.1'): Promise<number> {
  if (preferred === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(0));
    srv.listen(preferred, host, () => srv.close(() => resolve(preferred)));
  });
}
