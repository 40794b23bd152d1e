/**
 * One validator pass over a file, run as its own process so its peak RSS is its own.
 * Usage: tsx bench/validate/pass.ts <file> format|tokenized [modelDir]
 * Prints one JSON line: seconds, bytes, maxRssMB, examples, errors.
 */
import { createReadStream, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetValidator, HfTokenCounter } from '../../electron/shared/validation/index.js';
import { nodeCodec } from '../../electron/core/validation/node-codec.js';

const [file, mode, modelDir] = process.argv.slice(2);
const dir = modelDir ?? new URL('../../electron/shared/validation/fixtures/hone-tiny-llama/', import.meta.url).pathname;
const readJson = (f: string) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : null);
const tokenCounter =
  mode === 'tokenized'
    ? new HfTokenCounter(
        {
          tokenizerJson: readJson('tokenizer.json'),
          tokenizerConfig: readJson('tokenizer_config.json') ?? {},
          chatTemplate: existsSync(join(dir, 'chat_template.jinja')) ? readFileSync(join(dir, 'chat_template.jinja'), 'utf8') : null,
          modelConfig: readJson('config.json'),
        },
        'bench-model',
      )
    : undefined;

const t0 = performance.now();
const c0 = process.cpuUsage();
const v = new DatasetValidator({ tokenCounter, codec: nodeCodec });
for await (const chunk of createReadStream(file!, { highWaterMark: 1 << 20 })) v.push(chunk as Buffer);
const r = v.finish();
const seconds = (performance.now() - t0) / 1000;
const c1 = process.cpuUsage(c0);
const cpuSeconds = (c1.user + c1.system) / 1e6;
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds,
    bytes: r.bytes,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    examples: r.stats.examples,
    errors: Object.keys(r.error_counts).length,
    tokensPerEpoch: r.stats.tokens_per_epoch,
  }),
);
