/**
 * Headless entry: `npm run serve -- --host 127.0.0.1 --port 8017 --data-dir DIR`.
 * Runs the whole core under plain Node (no Electron), e.g. on a GPU box without a display.
 */
import { ConfigError, resolveConfig } from './config.js';
import { startServer } from './server/start.js';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = resolveConfig(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof ConfigError || err instanceof TypeError ? err.message : err);
    process.exit(2);
  }
  const server = await startServer(cfg, { logger: process.env.HONE_LOG === '1' ? { level: 'info' } : false });
  console.log(`Hone Server online at ${server.url}  (OpenAI base_url: ${server.url}/v1)`);
  // The fragment never reaches a server log or a Referer; the app moves it into the tab's storage at once.
  const appUrl = `${server.url}/app/${server.apiKey ? `#token=${encodeURIComponent(server.apiKey.key)}` : ''}`;
  console.log(`Open the app: ${appUrl}`);
  console.log(`Data dir: ${cfg.dataDir}`);
  if (!server.apiKey) console.log('Authentication is OFF (--no-auth): any local process can use the API.');
  else if (server.apiKey.source === 'generated') console.log(`API key (new, stored 0600 in ${server.core.dirs.apiKeyFile}): ${server.apiKey.key}`);
  else if (server.apiKey.source === 'file') console.log(`API key: ${server.apiKey.key}  (from ${server.core.dirs.apiKeyFile})`);
  else console.log('API key: from HONE_API_KEY');
  // One machine-readable line for supervisors (Electron, tests).
  console.log(`HONE_READY ${JSON.stringify({ url: server.url, port: server.port, dataDir: cfg.dataDir })}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: shutting down`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
