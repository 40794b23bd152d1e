/**
 * JavaScript the app makes the browser load, gzip-compressed (what a server with compression
 * would send): the first view (entry chunk + its static imports) and what each lazy view adds.
 * Reads the renderer build's manifest (out/renderer/.vite/manifest.json; run `npm run build`).
 *
 *   npx tsx bench/ui/bundle.ts            prints the table
 *   import { bundleReport } from …        used by tests/node/bundle-size.test.ts (the budget)
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const OUT = resolve(fileURLToPath(import.meta.url), '../../../out/renderer');
/** The budget for the first view. */
export const FIRST_VIEW_BUDGET_GZ = 300 * 1024;

interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
type Manifest = Record<string, ManifestChunk>;

export interface ChunkSize {
  name: string;
  files: string[];
  bytes: number;
  gzip: number;
}

/** A package's name for a chunk from node_modules ("codemirror"), else the chunk's own name. */
function chunkName(src: string, name: string | undefined): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src);
  return m ? m[1]! : (name ?? src);
}

export function bundleReport(outDir = OUT): { firstView: ChunkSize; lazy: ChunkSize[] } | null {
  const manifestPath = join(outDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const size = (file: string) => {
    const buf = readFileSync(join(outDir, file));
    return { bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  };
  /** A chunk with everything it statically imports, minus what is already loaded. */
  const closure = (key: string, loaded: Set<string>): string[] => {
    const out: string[] = [];
    const walk = (k: string) => {
      const c = manifest[k];
      if (!c || loaded.has(c.file)) return;
      loaded.add(c.file);
      out.push(c.file, ...(c.css ?? []));
      for (const i of c.imports ?? []) walk(i);
    };
    walk(key);
    return out;
  };
  const sum = (name: string, files: string[]): ChunkSize => {
    let bytes = 0;
    let gzip = 0;
    for (const f of files) {
      const s = size(f);
      bytes += s.bytes;
      gzip += s.gzip;
    }
    return { name, files, bytes, gzip };
  };
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const loaded = new Set<string>();
  const firstView = sum('first view (entry + static imports)', closure(entryKey, loaded));
  const lazy = Object.entries(manifest)
    .filter(([, c]) => c.isDynamicEntry)
    .map(([k, c]) => sum(chunkName(c.src ?? k, c.name), closure(k, new Set(loaded))))
    .sort((a, b) => b.gzip - a.gzip);
  return { firstView, lazy };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = bundleReport();
  if (!r) {
    console.error('No build: run `npm run build` first.');
    process.exit(1);
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`| chunk | raw | gzip |\n|---|---|---|`);
  console.log(`| ${r.firstView.name} | ${kb(r.firstView.bytes)} | ${kb(r.firstView.gzip)} |`);
  for (const c of r.lazy) console.log(`| + ${c.name} | ${kb(c.bytes)} | ${kb(c.gzip)} |`);
  console.log(`\nfirst view: ${kb(r.firstView.gzip)} gzip = ${(r.firstView.gzip / FIRST_VIEW_BUDGET_GZ).toFixed(2)} of the 300 kB budget`);
}
