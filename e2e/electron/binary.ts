/** Where the Electron binary is, found without require('electron') (that would try to download it). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export function electronBinary(): { path: string | null; reason: string } {
  const env = process.env.HONE_ELECTRON_BINARY;
  if (env) return existsSync(env) ? { path: env, reason: '' } : { path: null, reason: `HONE_ELECTRON_BINARY=${env} does not exist` };
  const pathTxt = join(ROOT, 'node_modules/electron/path.txt');
  if (existsSync(pathTxt)) {
    const bin = join(ROOT, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim());
    if (existsSync(bin)) return { path: bin, reason: '' };
  }
  return { path: null, reason: 'no Electron binary: npm installs electron with ELECTRON_SKIP_BINARY_DOWNLOAD=1 here; set HONE_ELECTRON_BINARY=/path/to/electron to run these' };
}

export function skipReason(): string | null {
  const bin = electronBinary();
  if (!bin.path) return bin.reason;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY/WAYLAND_DISPLAY unset): run under xvfb-run';
  if (!existsSync(join(ROOT, 'out/main/index.js'))) return 'the app is not built: run npx electron-vite build';
  return null;
}
