/**
 * Finds a model's tokenizer under `<dataDir>/models/<name>/` (HF-format directories written by the
 * trainer) and builds the exact token counter from it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { HfTokenCounter, type HfTokenizerFiles } from '../../shared/validation/index.js';

export class ModelNotFoundError extends Error {
  constructor(
    message: string,
    readonly available: string[],
  ) {
    super(message);
  }
}

/** Models in `modelsDir` that have a tokenizer (what `model=` may name). */
export function modelsWithTokenizer(modelsDir: string): string[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir)
    .filter((n) => !n.startsWith('.') && existsSync(join(modelsDir, n, 'tokenizer.json')))
    .sort();
}

/** The directory of model `name`, or ModelNotFoundError (never a path outside `modelsDir`). */
export function resolveModelDir(modelsDir: string, name: string): string {
  const root = resolve(modelsDir);
  const dir = resolve(root, name);
  const inside = dir.startsWith(root + sep) && !name.includes('\0') && name.trim() === name && name.length > 0;
  if (!inside || !existsSync(join(dir, 'tokenizer.json')) || !statSync(dir).isDirectory()) {
    const available = inside ? modelsWithTokenizer(root) : [];
    const list = available.length ? ` Models with a tokenizer: ${available.join(', ')}.` : ' No model with a tokenizer is installed yet.';
    throw new ModelNotFoundError(`The model '${name}' does not exist or has no tokenizer.json.${list}`, available);
  }
  return dir;
}

const readJson = (dir: string, f: string): Record<string, unknown> | null =>
  existsSync(join(dir, f)) ? (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>) : null;

/** tokenizer.json, tokenizer_config.json, chat_template.jinja and config.json of a model dir. */
export function readTokenizerFiles(dir: string): HfTokenizerFiles {
  const template = join(dir, 'chat_template.jinja');
  return {
    tokenizerJson: readJson(dir, 'tokenizer.json')!,
    tokenizerConfig: readJson(dir, 'tokenizer_config.json') ?? {},
    chatTemplate: existsSync(template) ? readFileSync(template, 'utf8') : null,
    modelConfig: readJson(dir, 'config.json'),
  };
}

/** The exact token counter of a model dir (what the server's validation uses). */
export function loadTokenCounter(dir: string, name: string): HfTokenCounter {
  return new HfTokenCounter(readTokenizerFiles(dir), name);
}
