import { createCore, type Core, type CoreOptions } from '../core.js';
import { buildApp } from './app.js';
import { resolveApiKey, rotateApiKey, type ResolvedKey } from '../auth/api-key.js';
import { isLoopbackHost } from './security.js';
import type { ServerConfig } from '../config.js';
import type { App } from './types.js';

export interface RunningServer {
  app: App;
  core: Core;
  url: string;
  port: number;
  apiKey: ResolvedKey | null;
  /** detach: running trainers are left running (see JobService.close). */
  close(opts?: { detach?: boolean }): Promise<void>;
}

/** Opens the core, builds the API and listens. Used by the headless CLI, Electron and tests. */
export async function startServer(
  cfg: ServerConfig,
  opts: { logger?: boolean | object; core?: Partial<CoreOptions> } = {},
): Promise<RunningServer> {
  const core = await createCore({ dataDir: cfg.dataDir, maxFileBytes: cfg.maxFileBytes, ...opts.core });
  const apiKey = cfg.noAuth ? null : resolveApiKey(cfg.apiKeyEnv, core.dirs.apiKeyFile);
  // The security hook reads `security.apiKey` on every request, so rotating the key is one assignment.
  const security = { bindHost: cfg.host, apiKey: apiKey?.key ?? null, allowedHosts: cfg.allowedHosts };
  core.apiKey = {
    key: security.apiKey,
    source: apiKey?.source ?? 'off',
    rotate:
      apiKey && apiKey.source !== 'env'
        ? () => {
            const key = rotateApiKey(core.dirs.apiKeyFile);
            security.apiKey = key;
            core.apiKey.key = key;
            core.apiKey.source = 'file';
            if (server.apiKey) server.apiKey = { key, source: 'file' };
            return key;
          }
        : null,
  };
  const app = await buildApp(core, { security, logger: opts.logger });
  await app.listen({ host: cfg.host, port: cfg.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const shownHost = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  core.server = { url: `http://${shownHost}:${port}`, host: cfg.host, port, team_mode: !isLoopbackHost(cfg.host) || cfg.allowedHosts.length > 0 };
  const server: RunningServer = {
    app,
    core,
    url: `http://${shownHost}:${port}`,
    port,
    apiKey,
    async close(closeOpts = {}) {
      await app.close();
      if (closeOpts.detach) await core.jobs.close({ detach: true });
      await core.close();
    },
  };
  return server;
}
