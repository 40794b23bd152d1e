import { parseArgs } from 'node:util';
import envPaths from 'env-paths';
import { API_KEY_ENV, DATA_DIR_ENV, DEFAULT_HOST, DEFAULT_MAX_FILE_BYTES, DEFAULT_PORT } from '../shared/constants.js';
import { isLoopbackHost } from './server/security.js';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Key given in the environment; when absent one is read from / generated in the data dir. */
  apiKeyEnv: string | undefined;
  /** Authentication off (loopback only): the seed's curl examples send no key. */
  noAuth: boolean;
  allowedHosts: string[];
  maxFileBytes: number;
}

export class ConfigError extends Error {}

/** Built-in defaults ← environment ← command line. */
export function resolveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-auth': { type: 'boolean' },
      'allowed-host': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    throw new ConfigError(
      'usage: npm run serve -- [--host 127.0.0.1] [--port 8017] [--data-dir DIR] [--allowed-host NAME]… [--no-auth]\n' +
        `env: ${API_KEY_ENV}, ${DATA_DIR_ENV}, HONE_HOST, HONE_PORT, HONE_MAX_FILE_BYTES, HONE_AUTH=off`,
    );
  }
  const host = values.host ?? env.HONE_HOST ?? DEFAULT_HOST;
  const port = Number(values.port ?? env.HONE_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`invalid port: ${values.port ?? env.HONE_PORT}`);
  const noAuth = values['no-auth'] === true || env.HONE_AUTH === 'off';
  if (noAuth && !isLoopbackHost(host)) {
    throw new ConfigError(`refusing to serve ${host} without authentication: binding to a non-loopback address requires an API key`);
  }
  const maxFileBytes = env.HONE_MAX_FILE_BYTES ? Number(env.HONE_MAX_FILE_BYTES) : DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes <= 0) throw new ConfigError('HONE_MAX_FILE_BYTES must be a positive integer');
  return {
    host,
    port,
    dataDir: values['data-dir'] ?? env[DATA_DIR_ENV] ?? envPaths('Hone', { suffix: '' }).data,
    apiKeyEnv: env[API_KEY_ENV],
    noAuth,
    allowedHosts: values['allowed-host'] ?? (env.HONE_ALLOWED_HOSTS ? env.HONE_ALLOWED_HOSTS.split(',') : []),
    maxFileBytes,
  };
}
