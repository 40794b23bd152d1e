// The import-boundary rules in eslint.config.js, checked on synthetic files through ESLint's Node API
// (the real config, the real rule): each boundary fires where it should and stays quiet on allowed imports.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The synthetic files do not exist, so no tsconfig can type-check them: every type-aware rule is
// switched off here (none of them looks at imports); everything else is the project's config.
type RuleMeta = { meta?: { docs?: { requiresTypeChecking?: boolean } } };
const typedRules = Object.entries((tseslint.plugin as { rules?: Record<string, RuleMeta> }).rules ?? {})
  .filter(([, rule]) => rule.meta?.docs?.requiresTypeChecking)
  .map(([name]) => [`@typescript-eslint/${name}`, 'off'] as const);
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: Object.fromEntries(typedRules),
  },
});

/** The no-restricted-imports findings for `code` as if it were the file at `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: true });
  if (!result) throw new Error('no lint result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`parse error: ${fatal[0]!.message}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const imp = (source: string) => `import x from '${source}';\nexport default x;\n`;

type Case = [file: string, source: string];

const forbidden: Case[] = [
  // core and shared never import Electron
  ['electron/core/server/app.ts', 'electron'],
  ['electron/core/runner/pty.ts', 'electron/main'],
  ['electron/shared/schemas/files.ts', 'electron'],
  ['electron/shared/validation/validator.test.ts', 'electron'],
  // shared is isomorphic: no Node built-ins (prefixed or bare), no DOM packages, no Node layers
  ['electron/shared/validation/validator.ts', 'node:fs'],
  ['electron/shared/validation/validator.ts', 'fs'],
  ['electron/shared/validation/validator.ts', 'path'],
  ['electron/shared/validation/validator.ts', 'fs/promises'],
  ['electron/shared/schemas/files.ts', 'react'],
  ['electron/shared/schemas/files.ts', 'react-dom/client'],
  ['electron/shared/schemas/files.ts', '@tanstack/react-query'],
  ['electron/shared/schemas/files.ts', '../../core/db/database.js'],
  // the renderer: shared and browser packages only
  ['renderer/src/api/client.ts', 'electron'],
  ['renderer/src/api/client.ts', 'node:path'],
  ['renderer/src/api/client.ts', 'crypto'],
  ['renderer/src/api/client.ts', '../../../electron/core/server/errors.js'],
  ['renderer/src/api/client.ts', '../../../electron/main/index.js'],
  ['renderer/src/app/App.tsx', '@core/server/errors'],
  ['renderer/src/app/App.tsx', 'better-sqlite3'],
  ['renderer/src/app/App.tsx', 'fastify'],
  // a feature reaches another feature's internals
  ['renderer/src/features/jobs/JobsPage.tsx', '../files/components/FileTable'],
  ['renderer/src/features/jobs/JobsPage.tsx', '../files/hooks/useFiles.js'],
  ['renderer/src/features/jobs/components/JobRow.tsx', '../../files/components/FileTable'],
  ['renderer/src/features/jobs/components/deep/Cell.tsx', '../../../files/store'],
  ['renderer/src/features/jobs/JobsPage.tsx', '@/features/files/components/FileTable'],
  ['renderer/src/features/jobs/components/JobRow.tsx', '../../../features/files/api'],
  // Node built-ins are still barred inside a feature (that block replaces the renderer one)
  ['renderer/src/features/jobs/JobsPage.tsx', 'node:fs'],
  ['renderer/src/features/jobs/components/JobRow.tsx', 'electron'],
];

const allowed: Case[] = [
  ['electron/core/server/app.ts', 'node:fs'],
  ['electron/core/server/app.ts', 'fastify'],
  ['electron/core/server/app.ts', '../../shared/schemas/files.js'],
  ['electron/core/server/app.ts', 'electron-to-chromium'],
  ['electron/main/index.ts', 'electron'],
  ['electron/preload/index.ts', 'electron'],
  ['electron/shared/validation/validator.ts', 'zod'],
  ['electron/shared/validation/validator.ts', '../schemas/validation.js'],
  ['electron/shared/validation/validator.ts', '@huggingface/tokenizers'],
  ['electron/shared/validation/samples.test.ts', 'node:fs'],
  ['renderer/src/api/client.ts', '../../../electron/shared/schemas/files.js'],
  ['renderer/src/api/client.ts', '@shared/schemas/files'],
  ['renderer/src/app/App.tsx', 'react'],
  ['renderer/src/app/App.tsx', '@tanstack/react-query'],
  ['renderer/src/app/App.tsx', '../features/jobs/components/JobsPage'],
  // a feature uses its own internals freely, and other features through their index
  ['renderer/src/features/jobs/JobsPage.tsx', './components/JobRow'],
  ['renderer/src/features/jobs/JobsPage.tsx', '../files'],
  ['renderer/src/features/jobs/JobsPage.tsx', '../files/index'],
  ['renderer/src/features/jobs/JobsPage.tsx', '../files/index.ts'],
  ['renderer/src/features/jobs/JobsPage.tsx', '@/features/files'],
  ['renderer/src/features/jobs/JobsPage.tsx', '@/features/files/index.js'],
  ['renderer/src/features/jobs/JobsPage.tsx', '../../ui/Button'],
  ['renderer/src/features/jobs/components/JobRow.tsx', '../hooks/useJobs'],
  ['renderer/src/features/jobs/components/JobRow.tsx', '../../files'],
  ['renderer/src/features/jobs/components/deep/Cell.tsx', '../../hooks/useJobs'],
  ['renderer/src/features/jobs/components/deep/Cell.tsx', '../../../files/index'],
  ['renderer/src/features/jobs/JobsPage.tsx', '../../../../electron/shared/schemas/jobs.js'],
];

describe('import boundaries (eslint.config.js)', () => {
  it.each(forbidden)('%s may not import %s', async (file, source) => {
    expect(await restricted(file, imp(source))).toHaveLength(1);
  });

  it.each(allowed)('%s may import %s', async (file, source) => {
    expect(await restricted(file, imp(source))).toEqual([]);
  });

  it('also checks re-exports and type-only imports', async () => {
    expect(await restricted('electron/shared/schemas/files.ts', "export { readFile } from 'node:fs/promises';\n")).toHaveLength(1);
    expect(await restricted('electron/core/ids.ts', "import type { App } from 'electron';\nexport type A = App;\n")).toHaveLength(1);
  });

  it('type-checks files a tsconfig covers (no-floating-promises on a real path)', async () => {
    const typedLint = new ESLint({ cwd: root });
    const code = 'async function later(): Promise<void> {}\nlater();\nexport {};\n';
    const [result] = await typedLint.lintText(code, { filePath: 'electron/core/ids.ts' });
    expect(result!.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-floating-promises');
  });

  it('runs typescript-eslint and react-hooks on renderer code', async () => {
    const code = [
      "import { useState } from 'react';",
      'export function Bad({ on }: { on: boolean }) {',
      '  if (on) {',
      '    const [n] = useState(0);',
      '    return n;',
      '  }',
      '  const x: any = 1;',
      '  return x;',
      '}',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(code, { filePath: 'renderer/src/ui/Bad.tsx' });
    const rules = new Set(result!.messages.map((m) => m.ruleId));
    expect(rules).toContain('react-hooks/rules-of-hooks');
    expect(rules).toContain('@typescript-eslint/no-explicit-any');
  });
});
