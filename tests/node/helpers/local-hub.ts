/**
 * A Hugging Face hub on loopback that serves local directories as model repos: the subset of the
 * hub's HTTP API that `huggingface_hub.snapshot_download` (2.x) and Hone's hub check use (model
 * info, tree listing, resolve with HEAD/GET). Point HF_ENDPOINT at `endpoint`. Downloads can be
 * throttled so a test sees progress. Unknown repos answer like the hub: 401 + X-Error-Code RepoNotFound.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

export interface LocalHub {
  endpoint: string;
  /** Repo ids whose files were requested (GET resolve), for assertions. */
  downloads: string[];
  close(): Promise<void>;
}

interface RepoFile {
  path: string;
  abs: string;
  size: number;
  sha256: string;
}

function listFiles(root: string): RepoFile[] {
  const out: RepoFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue; // Hone's markers are not part of a repo
      const abs = join(dir, name);
      const st = statSync(abs);
      if (st.isDirectory()) walk(abs);
      else out.push({ path: relative(root, abs), abs, size: st.size, sha256: createHash('sha256').update(readFileSync(abs)).digest('hex') });
    }
  };
  walk(root);
  return out;
}

/** Parameter count from a safetensors header (what the hub reports as `safetensors.total`). */
function safetensorsTotal(files: RepoFile[]): number | null {
  let total = 0;
  for (const f of files.filter((x) => x.path.endsWith('.safetensors'))) {
    const buf = readFileSync(f.abs);
    const len = Number(buf.readBigUInt64LE(0));
    const header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Record<string, { shape?: number[] }>;
    for (const [k, v] of Object.entries(header)) if (k !== '__metadata__') total += (v.shape ?? []).reduce((a, b) => a * b, 1);
  }
  return total || null;
}

export async function startLocalHub(repos: Record<string, string>, opts: { bytesPerSecond?: number } = {}): Promise<LocalHub> {
  // Read on first request, so a test can start the hub before the directories it serves exist.
  const loaded = new Map<string, { files: RepoFile[]; sha: string; parameters: number | null }>();
  const table = {
    get(id: string) {
      const dir = repos[id];
      if (!dir) return undefined;
      if (!loaded.has(id)) {
        const files = listFiles(dir);
        const sha = createHash('sha1').update(files.map((f) => `${f.path}:${f.sha256}`).join('\n')).digest('hex');
        loaded.set(id, { files, sha, parameters: safetensorsTotal(files) });
      }
      return loaded.get(id);
    },
  };
  const downloads: string[] = [];

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) => json(res, 401, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const path = decodeURIComponent(url.pathname);
    // /api/models/{org}/{name}[/revision/{rev}] and /api/models/{org}/{name}/tree/{rev}[/...]
    let m = /^\/api\/models\/([^/]+\/[^/]+)(?:\/(revision|tree)\/([^/]+))?/.exec(path);
    if (m) {
      const repo = table.get(m[1]!);
      if (!repo) return notFound(res);
      if (m[2] === 'tree') {
        return json(
          res,
          200,
          repo.files.map((f) => ({ type: 'file', path: f.path, size: f.size, oid: f.sha256.slice(0, 40), lfs: f.path.endsWith('.safetensors') ? { oid: f.sha256, size: f.size, pointerSize: 134 } : undefined })),
        );
      }
      return json(res, 200, {
        id: m[1],
        modelId: m[1],
        sha: repo.sha,
        private: false,
        gated: false,
        disabled: false,
        siblings: repo.files.map((f) => ({ rfilename: f.path, size: f.size })),
        ...(repo.parameters ? { safetensors: { parameters: { F32: repo.parameters }, total: repo.parameters } } : {}),
      });
    }
    // /{org}/{name}/resolve/{rev}/{file}
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (m) {
      const repo = table.get(m[1]!);
      if (!repo) return notFound(res);
      const f = repo.files.find((x) => x.path === m![3]);
      if (!f) return json(res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
      res.writeHead(200, { 'content-length': String(f.size), etag: `"${f.sha256}"`, 'x-repo-commit': repo.sha, 'content-type': 'application/octet-stream' });
      if (req.method === 'HEAD') return res.end();
      downloads.push(m[1]!);
      const stream = createReadStream(f.abs, { highWaterMark: 16 * 1024 });
      if (!opts.bytesPerSecond) return stream.pipe(res);
      // Throttled: one 16 KiB chunk per tick at the asked rate.
      const delay = (16 * 1024 * 1000) / opts.bytesPerSecond;
      stream.on('data', (chunk) => {
        stream.pause();
        res.write(chunk, () => setTimeout(() => stream.resume(), delay));
      });
      stream.on('end', () => res.end());
      return;
    }
    json(res, 404, { error: `not served by the local hub: ${path}` });
  };

  const server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    downloads,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
