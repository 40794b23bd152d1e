import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { promisify } from 'node:util';

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

  /** Why `model` cannot be a base model, or null if it can. */
  async rejectReason(model: string): Promise<string | null> {
    if ((await this.entries()).some((e) => e.id === model)) return null;
    if (isAbsolute(model)) {
      if (!existsSync(model) || !statSync(model).isDirectory()) return `The model directory '${model}' does not exist.`;
      if (!existsSync(`${model}/config.json`)) return `The directory '${model}' is not a Hugging Face model (no config.json).`;
      return null;
    }
    if (/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(model)) return null; // a Hugging Face hub id, fetched on first use
    if (model.startsWith('ft:')) return `Fine-tuning a fine-tuned model ('${model}') is not supported; use its base model.`;
    const known = (await this.entries()).map((e) => e.id);
    return `The model '${model}' does not exist. Use a built-in or alias (${known.join(', ') || 'none available'}), a Hugging Face id such as 'Qwen/Qwen2.5-0.5B-Instruct', or an absolute path to a local model directory.`;
  }
}
