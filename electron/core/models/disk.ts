/**
 * What a model directory holds: bytes on disk and parameter count (from the safetensors headers,
 * read with one small positioned read each, never the weights). Cached per directory and mtime:
 * model directories are written once, and the list is asked for often.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const cache = new Map<string, { mtimeMs: number; bytes: number; parameters: number | null }>();

function walk(dir: string, visit: (path: string, size: number) => void): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false }); // follows the HF cache's symlinks into blobs/
    if (!st) continue;
    if (st.isDirectory()) walk(path, visit);
    else visit(path, st.size);
  }
}

/** Parameters stored in one .safetensors file (0 when the header cannot be read). */
export function safetensorsParameters(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    if (readSync(fd, head, 0, 8, 0) !== 8) return 0;
    const len = Number(head.readBigUInt64LE(0));
    if (len <= 0 || len > 100 << 20) return 0;
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, 8);
    const header = JSON.parse(buf.toString('utf8')) as Record<string, { shape?: number[] }>;
    let n = 0;
    for (const [k, v] of Object.entries(header)) if (k !== '__metadata__') n += (v.shape ?? []).reduce((a, b) => a * b, 1);
    return n;
  } catch {
    return 0;
  } finally {
    closeSync(fd);
  }
}

/** Bytes and parameters of a model (or adapter) directory; null when it does not exist. */
export function describeDir(dir: string): { bytes: number; parameters: number | null } | null {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return null;
  const hit = cache.get(dir);
  if (hit && hit.mtimeMs === st.mtimeMs) return { bytes: hit.bytes, parameters: hit.parameters };
  let bytes = 0;
  let parameters = 0;
  walk(dir, (path, size) => {
    bytes += size;
    if (path.endsWith('.safetensors')) parameters += safetensorsParameters(path);
  });
  const out = { bytes, parameters: parameters || null };
  cache.set(dir, { mtimeMs: st.mtimeMs, ...out });
  return out;
}
