// ESLint flat config. Besides typescript-eslint and react-hooks, it makes the architecture checkable
// (shared/docs/architecture.md): per folder, `no-restricted-imports` says what a layer may import.
// ESLint replaces (never merges) a rule's options when a later block matches, so every block below
// lists the whole set for its folder. tests/node/lint-boundaries.test.ts proves each boundary fires.
import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const TS = '**/*.{ts,tsx,mts,cts}';

// --- restriction building blocks -------------------------------------------------------------
const noElectron = {
  regex: '^electron(/.*)?$',
  message: 'Only electron/main and electron/preload may import Electron; this layer must run in plain Node.',
};
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.split('/')[0]);
const noNode = {
  regex: `^(node:.*|(${[...new Set(nodeBuiltins)].join('|')})(/.*)?)$`,
  message: 'This layer is isomorphic (server and browser): no Node built-ins.',
};
const noDomPackages = {
  regex: '^(react|react-dom|react-router|zustand|uplot|codemirror|@codemirror/.*|@tanstack/.*)(/.*)?$',
  message: 'electron/shared is isomorphic: no DOM/UI packages; they belong in renderer/.',
};
// Relative or aliased paths into a Node/Electron layer (e.g. ../../electron/core/x, @core/x).
const noNodeLayers = {
  regex: '(^|/)electron/(core|main|preload)(/|$)|^@(core|main|preload)(/|$)',
  message: 'The renderer talks to the core over HTTP only; import types and schemas from electron/shared.',
};
const noNodeOnlyPackages = {
  regex: '^(fastify|fastify-.*|@fastify/.*|better-sqlite3|@lydell/node-pty|env-paths|tsx|vitest/node)(/.*)?$',
  message: 'Node-only package: the renderer runs in a browser.',
};
const noUpFromShared = {
  regex: '^(\\.\\./)+(core|main|preload)(/|$)|(^|/)(renderer)(/|$)',
  message: 'electron/shared depends on nothing but itself and isomorphic packages.',
};
const noRenderer = {
  regex: '(^|/)renderer(/|$)',
  message: 'The core never imports the UI.',
};

// A feature (renderer/src/features/<name>/) imports another feature only through its index.
const publicEntry = '(?!index(\\.[cm]?[jt]sx?)?$)';
const noFeatureInternalsByName = {
  regex: `(^|/)features/[^/]+/${publicEntry}.+`,
  message: "Import another feature through its public entry (features/<name> or features/<name>/index); inside a feature use relative paths.",
};
// A relative path that climbs exactly out of the importing feature (depth+1 times `../`) and then
// goes deeper than the sibling feature's index, e.g. `../other/components/X` from a feature's root.
const noFeatureInternalsRelative = (depth) => ({
  regex: `^(\\.\\./){${depth + 1}}[^./][^/]*/${publicEntry}.+`,
  message: "Import another feature through its public entry ('../<feature>' or '../<feature>/index').",
});

const restrict = (...patterns) => ['error', { patterns }];
const rendererBase = [noElectron, noNode, noNodeLayers, noNodeOnlyPackages];
const MAX_FEATURE_DEPTH = 6;

export default defineConfig(
  globalIgnores([
    '**/node_modules/**',
    '**/out/**',
    '**/dist/**',
    '**/.venv/**',
    '**/playwright-report/**',
    '**/test-results/**',
    '**/coverage/**',
    '.data/**',
    'tmp/**',
  ]),
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  { files: [TS], extends: [tseslint.configs.recommended] },
  {
    files: [TS],
    rules: {
      // `_`-prefixed names mark intentionally unused parameters and destructured leftovers.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // Type-aware rules that catch real bugs (floating promises, promises where a callback returns void,
  // awaiting non-promises, throwing non-Errors). Measured on this 2-core box: 16 s for the tree vs 4 s untyped. The
  // no-unsafe-* family and no-base-to-string stay off: tests and event mappers handle parsed JSON as
  // `any`/`unknown` on purpose. Only files that a
  // tsconfig covers (the root one, renderer/tsconfig.json) can be type-checked.
  {
    files: ['electron/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts', 'renderer/src/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  // Node code: core, main, preload, tests, benches, scripts, configs.
  {
    files: ['electron/**', 'tests/**', 'bench/**', 'e2e/**', 'scripts/**', '*.{js,mjs,cjs,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  // --- import boundaries -----------------------------------------------------------------------
  { files: ['electron/core/**'], rules: { 'no-restricted-imports': restrict(noElectron, noRenderer) } },
  {
    files: ['electron/shared/**'],
    rules: { 'no-restricted-imports': restrict(noElectron, noNode, noDomPackages, noUpFromShared) },
  },
  // Shared tests run under Vitest in Node and read fixtures from disk; the code under test stays pure.
  {
    files: ['electron/shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': restrict(noElectron, noDomPackages, noUpFromShared) },
  },
  // --- renderer --------------------------------------------------------------------------------
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': restrict(...rendererBase) },
  },
  { files: ['renderer/**/*.{ts,tsx,js,jsx}'], extends: [reactHooks.configs.flat.recommended] },
  // One block per nesting depth inside a feature, so the relative-path rule knows how far "out" is.
  ...Array.from({ length: MAX_FEATURE_DEPTH + 1 }, (_, depth) => ({
    files: [`renderer/src/features/*/${'*/'.repeat(depth)}*.{ts,tsx,js,jsx}`],
    rules: {
      'no-restricted-imports': restrict(
        ...rendererBase,
        noFeatureInternalsByName,
        noFeatureInternalsRelative(depth),
      ),
    },
  })),
);
