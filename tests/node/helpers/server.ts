import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { resolveConfig, type ServerConfig } from '../../../electron/core/config.js';
import { startServer, type RunningServer } from '../../../electron/core/server/start.js';
import type { CoreOptions } from '../../../electron/core/core.js';

export const TEST_KEY = 'test-key-0123456789';

export interface TestServer extends RunningServer {
  dataDir: string;
  client: OpenAI;
  /** fetch against the server with the key set (unless headers override it). */
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** A real server on a random loopback port with a throw-away data dir. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}, core: Partial<CoreOptions> = {}, dataDirIn?: string): Promise<TestServer> {
  const dataDir = dataDirIn ?? mkdtempSync(join(tmpdir(), 'hone-test-'));
  const cfg = { ...resolveConfig(['--port', '0', '--data-dir', dataDir], { HONE_API_KEY: TEST_KEY }), ...overrides };
  // MLflow and post-job benchmarks are off unless a test asks for them: they cost minutes per server.
  const server = await startServer(cfg, { core: { mlflow: 'off', benchmarksByDefault: false, ...core } });
  const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
  return Object.assign(server, {
    dataDir,
    client,
    api: (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_KEY}`, ...(init.headers ?? {}) } }),
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export async function errorOf(res: Response): Promise<{ status: number; error: { message: string; type: string; param: string | null; code: string | null } }> {
  const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
  return { status: res.status, error: body.error };
}
