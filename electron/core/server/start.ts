import { createCore, type Core, type CoreOptions } from '../core.js';
import { buildApp } from './app.js';
import { resolveApiKey, type ResolvedKey } from '../auth/api-key.js';
import type { ServerConfig } from '../config.js';
import type { App } from './types.js';

export interface RunningServer {
  app: App;
  core: Core;
  url: string;
  port: number;
  apiKey: ResolvedKey | null;
  close(): Promise<void>;
}

/** Opens the core, builds the API and listens. Used by the headless CLI, Electron and tests. */
export async function startServer(
  cfg: ServerConfig,
  opts: { logger?: boolean | object; core?: Partial<CoreOptions> } = {},
): Promise<RunningServer> {
  const core = await createCore({ dataDir: cfg.dataDir, maxFileBytes: cfg.maxFileBytes, ...opts.core });
  const apiKey = cfg.noAuth ? null : resolveApiKey(cfg.apiKeyEnv, core.dirs.apiKeyFile);
  const app = await buildApp(core, {
    security: { bindHost: cfg.host, apiKey: apiKey?.key ?? null, allowedHosts: cfg.allowedHosts },
    logger: opts.logger,
  });
  await app.listen({ host: cfg.host, port: cfg.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const shownHost = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  return {
    app,
    core,
    url: `http://${shownHost}:${port}`,
    port,
    apiKey,
    async close() {
      await app.close();
      await core.close();
    },
  };
}
