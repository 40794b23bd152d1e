/**
 * Hone's own settings: `<dataDir>/settings.json` (0600) plus the HF token in its own 0600 file.
 * Environment variables override stored values; every effective value says where it came from.
 * Secrets (HF token, judge API key) are write-only through the API.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { SettingSource, SettingsPatch } from '../../shared/schemas/settings.js';
import type { DataDir } from '../storage/data-dir.js';
import { writeSecretFile } from '../storage/secret-file.js';

interface Stored {
  mlflow_uri?: string;
  judge_base_url?: string;
  judge_model?: string;
  judge_api_key?: string;
  benchmarks_by_default?: boolean;
}

export interface Sourced<T> {
  value: T;
  source: SettingSource;
  env_var: string | null;
}

export class SettingsStore {
  private stored: Stored;
  /** The MLflow setting the server started with (changing it needs a restart). */
  readonly startupMlflowUri: string;

  constructor(
    private readonly dirs: DataDir,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.stored = this.load();
    this.startupMlflowUri = this.mlflowUri().value;
  }

  /** True when the effective MLflow setting differs from the one in use. */
  restartRequired(): boolean {
    return this.mlflowUri().value !== this.startupMlflowUri;
  }

  private load(): Stored {
    try {
      const v = JSON.parse(readFileSync(this.dirs.settingsFile, 'utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Stored) : {};
    } catch {
      return {};
    }
  }

  private pick<T>(envVars: string[], fromEnv: (v: string) => T, stored: T | undefined, fallback: T): Sourced<T> {
    for (const name of envVars) {
      const v = this.env[name];
      if (v !== undefined && v !== '') return { value: fromEnv(v), source: 'env', env_var: name };
    }
    if (stored !== undefined) return { value: stored, source: 'settings', env_var: null };
    return { value: fallback, source: 'default', env_var: null };
  }

  /** 'local' (a managed server), 'off', or a tracking URI. */
  mlflowUri(): Sourced<string> {
    return this.pick(['HONE_MLFLOW_URI', 'HONE_MLFLOW'], (v) => v, this.stored.mlflow_uri, 'local');
  }

  hfToken(): Sourced<string | null> {
    let stored: string | undefined;
    if (existsSync(this.dirs.hfTokenFile)) stored = readFileSync(this.dirs.hfTokenFile, 'utf8').trim() || undefined;
    return this.pick(['HF_TOKEN'], (v) => v, stored, null);
  }

  judgeBaseUrl(): Sourced<string | null> {
    return this.pick(['HONE_JUDGE_BASE_URL'], (v) => v, this.stored.judge_base_url, null);
  }
  judgeModel(): Sourced<string | null> {
    return this.pick(['HONE_JUDGE_MODEL'], (v) => v, this.stored.judge_model, null);
  }
  judgeApiKey(): Sourced<string | null> {
    return this.pick(['HONE_JUDGE_API_KEY'], (v) => v, this.stored.judge_api_key, null);
  }
  benchmarksByDefault(): Sourced<boolean> {
    return this.pick(['HONE_BENCHMARKS'], (v) => v !== 'off', this.stored.benchmarks_by_default, true);
  }

  /** What trainers and benchmark runs get in their environment (effective values only). */
  childEnv(): NodeJS.ProcessEnv {
    const out: NodeJS.ProcessEnv = {};
    const hf = this.hfToken().value;
    if (hf) out.HF_TOKEN = hf;
    const base = this.judgeBaseUrl().value;
    const model = this.judgeModel().value;
    const key = this.judgeApiKey().value;
    if (base) out.HONE_JUDGE_BASE_URL = base;
    if (model) out.HONE_JUDGE_MODEL = model;
    if (key) out.HONE_JUDGE_API_KEY = key;
    return out;
  }

  /** Applies a patch (null clears back to the default). Returns whether a restart is needed to apply it. */
  patch(p: SettingsPatch): { restartRequired: boolean } {
    const next: Stored = { ...this.stored };
    const set = <K extends keyof Stored>(k: K, v: Stored[K] | null | undefined) => {
      if (v === undefined) return;
      if (v === null) delete next[k];
      else next[k] = v;
    };
    set('mlflow_uri', p.mlflow_uri);
    set('judge_base_url', p.judge_base_url);
    set('judge_model', p.judge_model);
    set('judge_api_key', p.judge_api_key);
    set('benchmarks_by_default', p.benchmarks_by_default);
    writeSecretFile(this.dirs.settingsFile, `${JSON.stringify(next, null, 2)}\n`);
    this.stored = next;
    if (p.hf_token === null) rmSync(this.dirs.hfTokenFile, { force: true });
    else if (p.hf_token !== undefined) writeSecretFile(this.dirs.hfTokenFile, `${p.hf_token}\n`);
    // The MLflow server (local or remote) is chosen at start-up.
    return { restartRequired: this.restartRequired() };
  }
}
