/**
 * electron-builder.yml: the settings the release depends on (fuses, native modules unpacked, the
 * trainer and resources beside the asar without caches or tests, all four targets), and the
 * whole file against app-builder-lib's JSON schema (electron-builder is a pinned devDependency).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const yaml = builderRequire('js-yaml') as { load(s: string): unknown };
type Cfg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cfg = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Cfg;

describe('electron-builder.yml', () => {
  it('is valid against app-builder-lib/scheme.json', () => {
    const Ajv = builderRequire('ajv').default as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
    const schema = JSON.parse(readFileSync(builderRequire.resolve('app-builder-lib/scheme.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const ok = validate(cfg);
    expect(validate.errors ?? null, JSON.stringify(validate.errors)).toBeNull();
    expect(ok).toBe(true);
    // The schema has teeth: a misspelt fuse is rejected.
    expect(validate({ ...cfg, electronFuses: { ...cfg.electronFuses, runAsNod: false } })).toBe(false);
  });

  it('sets the fuses', () => {
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds AppImage + deb, NSIS and dmg with the icon that exists', () => {
    expect(cfg.linux.target).toEqual(['AppImage', 'deb']);
    expect(cfg.win.target).toBe('nsis');
    expect(cfg.mac.target).toBe('dmg');
    for (const os of ['linux', 'win', 'mac']) expect(existsSync(join(root, cfg.directories.buildResources, cfg[os].icon))).toBe(true);
  });

  it('unpacks the native modules and ships the trainer and resources beside the asar, without caches, tests or venvs', () => {
    expect(cfg.asar).toBe(true);
    expect(cfg.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/@lydell/node-pty*/**']));
    const trainer = cfg.extraResources.find((r: Cfg) => r.from === 'trainer');
    expect(trainer.to).toBe('trainer');
    expect(trainer.filter).toEqual(expect.arrayContaining(['!**/__pycache__/**', '!tests/**', '!**/.venv/**']));
    const resources = cfg.extraResources.find((r: Cfg) => r.from === 'resources');
    expect(resources.to).toBe('resources');
    expect(cfg.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
  });

  it('npm run dist builds, then packages without publishing', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder --config electron-builder.yml --publish never');
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/); // pinned
  });
});
