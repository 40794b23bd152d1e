import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { cachedOnHub, hubOffline, lookUpOnHub } from './hub-check.js';

const run = promisify(execFile);

export interface CatalogEntry {
  id: string;
  kind: 'builtin' | 'alias';
  hub_id?: string;
  description: string;
  prepared: boolean;
  path: string | null;
}

/**
 * Base models the trainer knows by name. The list itself lives in one place, the trainer
 * (`python -m hone_trainer models list --json`); this caches it for the API.
 */
export class ModelCatalog {
  private cache: { at: number; entries: CatalogEntry[] } | null = null;

  constructor(
    private readonly python: string,
    private readonly modelsDir: string,
    private readonly ttlMs = 30_000,
  ) {}

  /** Forgets the list (the environment was installed or repaired: the trainer may answer now). */
  invalidate(): void {
    this.cache = null;
  }

  async entries(): Promise<CatalogEntry[]> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.entries;
    try {
      const { stdout } = await run(this.python, ['-m', 'hone_trainer', 'models', 'list', '--json', '--models-dir', this.modelsDir], {
        timeout: 60_000,
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
      });
      this.cache = { at: Date.now(), entries: JSON.parse(stdout) as CatalogEntry[] };
    } catch (err) {
      // Without a Python environment the API still lists fine-tuned models; training will fail clearly.
      this.cache = { at: Date.now(), entries: [] };
      console.error(`hone: cannot list base models from the trainer (${(err as Error).message.split('\n')[0]})`);
    }
    return this.cache.entries;
  }

  /**
   * Why `model` cannot be a base model, or null if it can. Refused: what the trainer could not
   * resolve and Hone can tell now (an unknown name, a missing dir, a built-in this machine cannot
   * build, a hub id that is not cached while downloads are off or the hub cannot be reached or says
   * it does not exist). A hub id the hub does not answer for in time still has to be looked up,
   * and is accepted. `env` is the trainer's environment (HF_HUB_OFFLINE, HF_HOME, HF_TOKEN).
   */
  async rejectReason(model: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
    const entries = await this.entries();
    const entry = entries.find((e) => e.id === model);
    if (entry?.kind === 'builtin') {
      const e = entry as { available?: boolean; unavailable_reason?: string | null };
      return e.available !== false || entry.prepared ? null : `The built-in model '${model}' cannot be built on this machine: ${e.unavailable_reason ?? entry.description}.`;
    }
    // The seed's names are known models: accepted as they always were, also while offline.
    if (entry) return null;
    if (isAbsolute(model)) {
      if (!existsSync(model) || !statSync(model).isDirectory()) return `The model directory '${model}' does not exist.`;
      if (!existsSync(`${model}/config.json`)) return `The directory '${model}' is not a Hugging Face model (no config.json).`;
      return null;
    }
    if (/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(model)) {
      // A copy in the models dir (<models_dir>/<org>/<name>) is what the trainer uses first.
      if (existsSync(join(this.modelsDir, model, 'config.json'))) return null;
      return hubRejectReason(model, env);
    }
    if (model.startsWith('ft:')) return `Fine-tuning a fine-tuned model ('${model}') is not supported; use its base model.`;
    const known = entries.map((e) => e.id);
    return `The model '${model}' does not exist. Use a built-in or alias (${known.join(', ') || 'none available'}), a Hugging Face id such as 'Qwen/Qwen2.5-0.5B-Instruct', or an absolute path to a local model directory.`;
  }
}

/** A hub id the trainer would fetch with snapshot_download: refused only when that is sure to fail. */
async function hubRejectReason(id: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  if (cachedOnHub(id, env)) return null;
  if (hubOffline(env)) {
    return `The model '${id}' is not in the local Hugging Face cache, and downloads from the hub are off (HF_HUB_OFFLINE). Download it first, or use a built-in or local model.`;
  }
  switch (await lookUpOnHub(id, env)) {
    case 'missing':
      return `The model '${id}' does not exist on the Hugging Face hub (or it is private and the Hugging Face token does not give access to it).`;
    case 'no_config':
      return `The Hugging Face repo '${id}' has no config.json, so it is not a model the trainer can load.`;
    case 'gated':
      return `The model '${id}' is gated on the Hugging Face hub: accept its terms on huggingface.co and set a Hugging Face token with access (Settings).`;
    case 'unreachable':
      return `The Hugging Face hub cannot be reached from this machine, and '${id}' is not in the local Hugging Face cache.`;
    default:
      return null;
  }
}
