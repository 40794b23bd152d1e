/**
 * The core's entry when Electron runs it in a utilityProcess (`out/main/core.js`, forked by
 * electron/main/core-host.ts). It starts the same server as the headless CLI, tells main its URL
 * and key over the parent port (never on stdout or in a URL), forwards a queue summary whenever
 * jobs change and a note when one ends, and shuts down on request. Paths come on argv from main
 * (packaged: userData, process.resourcesPath, the app path), never from environment variables.
 *
 * The port is injectable: Electron gives `process.parentPort` (messages as `{ data }` events);
 * under plain Node (tests) a `child_process.fork` IPC channel stands in (`process.send`).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { resolveConfig } from './config.js';
import { setRuntimePaths } from './paths.js';
import { startServer, type RunningServer } from './server/start.js';
import { MainMessage, type CoreMessage, type JobEnded, type QueueSummary } from '../shared/schemas/desktop.js';
import type { JobRow } from './jobs/job-store.js';

export interface CorePort {
  post(msg: CoreMessage): void;
  onMessage(fn: (msg: unknown) => void): void;
}

interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(ev: 'message', fn: (e: { data: unknown }) => void): void;
}

export function defaultPort(proc: NodeJS.Process & { parentPort?: ElectronParentPort } = process): CorePort {
  const pp = proc.parentPort;
  if (pp) return { post: (m) => pp.postMessage(m), onMessage: (fn) => pp.on('message', (e) => fn(e.data)) };
  if (!proc.send) throw new Error('utility.ts runs under Electron (process.parentPort) or child_process.fork (an IPC channel)');
  return { post: (m) => void proc.send!(m), onMessage: (fn) => void proc.on('message', fn) };
}

export interface CoreArgs {
  dataDir: string;
  port: number;
  host: string;
  resourcesDir?: string;
  rendererDir?: string;
  trainerDir?: string;
  packaged: boolean;
}

export function parseCoreArgs(argv: string[]): CoreArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'resources-dir': { type: 'string' },
      'renderer-dir': { type: 'string' },
      'trainer-dir': { type: 'string' },
      packaged: { type: 'boolean' },
    },
    strict: true,
  });
  if (!values['data-dir']) throw new Error('--data-dir is required');
  return {
    dataDir: values['data-dir'],
    port: Number(values.port ?? 8017),
    host: values.host ?? '127.0.0.1',
    resourcesDir: values['resources-dir'],
    rendererDir: values['renderer-dir'],
    trainerDir: values['trainer-dir'],
    packaged: values.packaged === true,
  };
}

const ACTIVE = ['running', 'queued', 'validating_files'] as const;
const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

export function queueSummary(rows: JobRow[]): QueueSummary {
  const items = rows.map((r) => ({
    id: r.id,
    model: r.model,
    status: r.status,
    progress: r.step !== null && r.total_steps ? Math.min(1, Math.max(0, r.step / r.total_steps)) : null,
  }));
  return { running: items.filter((i) => i.status === 'running').length, queued: items.filter((i) => i.status !== 'running').length, items };
}

/** Forwards queue summaries (coalesced) and job ends from the store's change feed to main. */
export function watchJobs(server: RunningServer, port: CorePort, coalesceMs = 200): () => void {
  const store = server.core.jobs.store;
  // Statuses as last seen: only a change seen in this process is an "end" (not old finished jobs).
  const seen = new Map<string, string>();
  for (const r of store.byStatus(...ACTIVE)) seen.set(r.id, r.status);
  let timer: NodeJS.Timeout | null = null;
  let last = '';
  const flush = () => {
    timer = null;
    const summary = queueSummary(store.byStatus(...ACTIVE));
    const text = JSON.stringify(summary);
    if (text === last) return;
    last = text;
    port.post({ type: 'queue', summary });
  };
  const off = store.onChange((id) => {
    const row = store.get(id);
    if (row) {
      const before = seen.get(id);
      seen.set(id, row.status);
      if (ENDED.has(row.status) && before !== undefined && before !== row.status && !ENDED.has(before)) {
        const job: JobEnded = {
          id,
          kind: id.startsWith('bench-') ? 'benchmark' : 'job',
          model: row.model,
          status: row.status as JobEnded['status'],
          fine_tuned_model: row.fine_tuned_model,
        };
        port.post({ type: 'job-ended', job });
      }
    }
    timer ??= setTimeout(flush, coalesceMs);
  });
  flush();
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}

export async function runCore(argv: string[], port: CorePort, exit: (code: number) => void = (c) => process.exit(c)): Promise<void> {
  let server: RunningServer;
  try {
    const args = parseCoreArgs(argv);
    if (args.packaged || args.resourcesDir || args.rendererDir || args.trainerDir) {
      setRuntimePaths({
        packaged: args.packaged,
        ...(args.resourcesDir ? { resourcesDir: join(args.resourcesDir, 'resources') } : {}),
        ...(args.trainerDir ? { trainerDir: args.trainerDir } : args.resourcesDir ? { trainerDir: join(args.resourcesDir, 'trainer') } : {}),
        ...(args.rendererDir ? { rendererDir: args.rendererDir } : {}),
      });
    }
    const cfg = resolveConfig(['--data-dir', args.dataDir, '--port', String(args.port), '--host', args.host]);
    server = await startServer(cfg, { logger: false });
  } catch (err) {
    port.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    exit(1);
    return;
  }
  const stopWatching = watchJobs(server, port);
  let closing = false;
  port.onMessage((raw) => {
    const msg = MainMessage.safeParse(raw);
    if (!msg.success || closing) return;
    closing = true;
    const mode = msg.data.mode;
    stopWatching();
    void server
      .close({ detach: mode === 'detach' })
      .then(() => port.post({ type: 'stopped', mode }))
      .finally(() => setTimeout(() => exit(0), 50));
  });
  port.post({ type: 'ready', url: server.url, key: server.apiKey?.key ?? null, dataDir: server.core.dirs.root });
}

// Run as an entry only: in Electron's utilityProcess (it has a parentPort), or forked from a test
// (`child_process.fork('electron/core/utility.ts')` or the built out/main/core.js); importing it (tests, vitest's own forks) runs nothing.
const proc = process as NodeJS.Process & { parentPort?: ElectronParentPort };
if (proc.parentPort || (proc.send && /[\\/](utility\.ts|core\.js)$/.test(proc.argv[1] ?? ''))) {
  // Options only: whether argv holds the module path differs between utilityProcess and fork.
  const first = proc.argv.findIndex((a, i) => i > 0 && a.startsWith('--'));
  void runCore(first < 0 ? [] : proc.argv.slice(first), defaultPort(proc));
}
