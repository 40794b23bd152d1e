/**
 * Where the core finds what ships beside it. In a source checkout: the repository (found by walking
 * up to Hone's package.json, so it also works from the bundled out/main/core.js). In a packaged app:
 * the folders Electron's main process passes to the core on its command line (never an environment
 * variable): the trainer and resources are extraResources, the renderer sits in the asar.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RuntimePaths {
  /** The folder holding Hone's package.json (the repository, or app.asar when packaged). */
  root: string;
  /** trainer/ (Python package hone_trainer and the environment installer). */
  trainerDir: string;
  /** resources/ (sample datasets, icons, a bundled Python when one ships). */
  resourcesDir: string;
  /** The built renderer served at /app/. */
  rendererDir: string;
  packaged: boolean;
}

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'hone') return dir;
      } catch {
        /* not ours: keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    dir = up;
  }
}

function fromRoot(root: string): RuntimePaths {
  return { root, trainerDir: join(root, 'trainer'), resourcesDir: join(root, 'resources'), rendererDir: join(root, 'out', 'renderer'), packaged: false };
}

let current: RuntimePaths | null = null;

export function runtimePaths(): RuntimePaths {
  return (current ??= fromRoot(findRoot(dirname(fileURLToPath(import.meta.url)))));
}

/** Called once by the packaged app's core entry with the folders main resolved. */
export function setRuntimePaths(p: Partial<Omit<RuntimePaths, 'root'>> & { root?: string }): RuntimePaths {
  current = { ...runtimePaths(), ...p, packaged: p.packaged ?? true };
  return current;
}

/** Hone's version (package.json). */
export function honeVersion(): string {
  return (JSON.parse(readFileSync(join(runtimePaths().root, 'package.json'), 'utf8')) as { version: string }).version;
}
