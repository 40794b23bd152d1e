/**
 * Builds the three parts of the desktop app with the design card's roots: main (electron/main),
 * preload (electron/preload) and the renderer (renderer/), which the core also serves at /app/.
 * `electron-vite build` needs no Electron binary (the `electron` package is installed without one).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const alias = { '@shared': resolve('electron/shared'), '@': resolve('renderer/src') };

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      minify: true,
      rollupOptions: {
        // index.js: the shell; core.js: the core, run by the shell in a utilityProcess (core-host.ts).
        // validate-worker.js: the validation worker thread, loaded by run-in-worker.ts as core.js's sibling.
        input: {
          index: resolve('electron/main/index.ts'),
          core: resolve('electron/core/utility.ts'),
          'validate-worker': resolve('electron/core/validation/validate-worker.ts'),
        },
        // Native modules load from node_modules (unpacked from the asar when packaged), never bundled.
        external: ['better-sqlite3', '@lydell/node-pty'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      minify: true,
      // A sandboxed preload can only require('electron'): bundle everything, emit CommonJS.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve('electron/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    // Relative asset URLs: the same build works at http://host/app/ and from file:// in Electron.
    base: './',
    resolve: { alias },
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      // The chunk graph, for bench/ui/bundle.ts (what the first view loads, what each view adds).
      manifest: true,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
