/**
 * Built-in sample datasets (`resources/datasets/*`, Hone extension): list them and import one as a
 * fine-tune file, so a first run has something to validate and train on.
 */
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { OpenAIFile } from '../../../shared/schemas/files.js';
import { SampleList, SampleParams, type SampleDataset } from '../../../shared/schemas/datasets.js';
import { runtimePaths } from '../../paths.js';
import { writeTempFile } from '../../storage/atomic-file.js';
import { ApiError } from '../errors.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };

/** Read at each use: a packaged app sets its resources folder after this module loads. */
export function samplesDir(): string {
  return process.env.HONE_SAMPLES_DIR ?? join(runtimePaths().resourcesDir, 'datasets');
}

/** `| \`file\` | format | notes |` rows of the samples README: the descriptions. */
function descriptions(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) return out;
  for (const line of readFileSync(readme, 'utf8').split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|\s*([^|]*)\|\s*([^|]*)\|/.exec(line);
    // Markdown code spans read as plain words in the app.
    if (m) out.set(m[1]!, `${m[3]!.trim()} (${m[2]!.trim()})`.replace(/`/g, ''));
  }
  return out;
}

/** Samples are a few KB each, so they are read whole; listed once per process. */
let cache: SampleDataset[] | null = null;
let cacheDir = '';
export function listSamples(dir = samplesDir()): SampleDataset[] {
  if (cache && dir === cacheDir) return cache;
  if (!existsSync(dir)) return [];
  const notes = descriptions(dir);
  const list = readdirSync(dir)
    .filter((n) => /\.(jsonl|json)$/.test(n))
    .sort()
    .map((name): SampleDataset => {
      const text = readFileSync(join(dir, name), 'utf8');
      const examples: unknown[] = name.endsWith('.json') ? (JSON.parse(text) as unknown[]) : text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
      const first = examples[0] as Record<string, unknown> | undefined;
      return {
        name,
        description: notes.get(name) ?? name,
        format: first && 'preferred_output' in first ? 'preference' : 'chat',
        examples: examples.length,
        bytes: statSync(join(dir, name)).size,
      };
    });
  cache = list;
  cacheDir = dir;
  return list;
}

export const sampleRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/v1/hone/samples',
    { schema: { tags: ['hone'], summary: 'Built-in sample datasets', response: { 200: SampleList, ...errors } } },
    async () => ({ object: 'list' as const, data: listSamples() }),
  );

  app.post(
    '/v1/hone/samples/:name/import',
    {
      schema: {
        tags: ['hone'],
        summary: 'Import a sample dataset as a fine-tune file',
        params: SampleParams,
        response: { 200: OpenAIFile, ...errors },
      },
    },
    async (req) => {
      const sample = listSamples().find((s) => s.name === req.params.name);
      if (!sample) {
        throw new ApiError(404, `No such sample dataset: ${req.params.name}. Available: ${listSamples().map((s) => s.name).join(', ')}.`, 'name', 'not_found');
      }
      const written = await writeTempFile(createReadStream(join(samplesDir(), sample.name)), ctx.dirs.tmpDir);
      return ctx.files.add(written, { filename: sample.name, purpose: 'fine-tune' });
    },
  );
};
