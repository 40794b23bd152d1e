/**
 * A derived file: the original streamed example by example (via its index) with edits applied,
 * always written as JSON Lines. Unchanged JSONL lines are copied byte for byte (line ends become
 * "\n"); JSON-array elements are re-serialised only when they span lines.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ExampleEdit } from '../../shared/schemas/datasets.js';
import { applyWeightRuleToText, type WeightRule } from '../../shared/datasets/index.js';
import { badRequest } from '../server/errors.js';
import type { IndexHandle } from './example-index.js';
import { readAt } from './example-pages.js';

const OUT_CHUNK = 1 << 20;
const BATCH = 8192;

interface Plan {
  replace: Map<number, string>;
  drop: Set<number>;
  /** Examples to insert after original index k (-1 = at the start), in request order. */
  insert: Map<number, string[]>;
  /** A bulk weight rule applied to every example written (the editor's "whole file" action). */
  weights?: WeightRule;
}

/** Checks the edits against an index of `total` examples; errors name the offending field. */
export function planEdits(edits: ExampleEdit[], total: number, weights?: WeightRule): Plan {
  const plan: Plan = { replace: new Map(), drop: new Set(), insert: new Map(), weights };
  edits.forEach((e, i) => {
    if (e.op === 'insert') {
      if (e.after >= total) throw badRequest(`edits[${i}].after is ${e.after} but the file has ${total} examples.`, `edits[${i}].after`, 'index_out_of_range');
      e.examples.forEach((x, j) => checkExample(x, `edits[${i}].examples[${j}]`));
      const list = plan.insert.get(e.after) ?? [];
      list.push(...e.examples);
      plan.insert.set(e.after, list);
      return;
    }
    if (e.index >= total) throw badRequest(`edits[${i}].index is ${e.index} but the file has ${total} examples.`, `edits[${i}].index`, 'index_out_of_range');
    if (plan.replace.has(e.index) || plan.drop.has(e.index)) {
      throw badRequest(`edits[${i}] is a second edit of example ${e.index}; send one replace or delete per example.`, `edits[${i}].index`, 'duplicate_edit');
    }
    if (e.op === 'delete') plan.drop.add(e.index);
    else {
      checkExample(e.example, `edits[${i}].example`);
      plan.replace.set(e.index, e.example);
    }
  });
  return plan;
}

function checkExample(text: string, param: string): void {
  if (/[\r\n]/.test(text)) throw badRequest(`${param} must be one JSON object on a single line (it contains a line break).`, param, 'invalid_example');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badRequest(`${param} is not valid JSON: ${(e as Error).message}`, param, 'invalid_example');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${param} must be a JSON object.`, param, 'invalid_example');
}

/** Sequential positioned reads through a 1 MiB window: records are in file order. */
class WindowReader {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  constructor(private readonly fh: FileHandle) {}
  async get(offset: number, length: number): Promise<Buffer> {
    if (offset < this.start || offset + length > this.start + this.buf.length) {
      this.buf = await readAt(this.fh, offset, Math.max(length, OUT_CHUNK));
      this.start = offset;
      if (this.buf.length < length) throw new Error('the file is shorter than its index');
    }
    return this.buf.subarray(offset - this.start, offset - this.start + length);
  }
}

/** The derived content as ~1 MiB buffers. */
export async function* deriveContent(path: string, index: IndexHandle, plan: Plan): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const reader = new WindowReader(fh);
  const parts: Buffer[] = [];
  let size = 0;
  const NL = Buffer.from('\n');
  const rule = plan.weights;
  const add = (raw: Buffer) => {
    // Only lines naming an assistant can change; the others keep their bytes without a parse.
    const b = rule && raw.includes('"assistant"') ? Buffer.from(applyWeightRuleToText(raw.toString('utf8'), rule)) : raw;
    parts.push(b, NL);
    size += b.length + 1;
  };
  const flush = () => {
    const out = Buffer.concat(parts, size);
    parts.length = 0;
    size = 0;
    return out;
  };
  const inserts = (k: number) => {
    for (const x of plan.insert.get(k) ?? []) add(Buffer.from(x));
  };
  try {
    inserts(-1);
    for (let from = 0; from < index.count; from += BATCH) {
      const spans = await index.read(from, BATCH);
      for (let j = 0; j < spans.length; j++) {
        const k = from + j;
        const s = spans[j]!;
        const replacement = plan.replace.get(k);
        if (replacement !== undefined) add(Buffer.from(replacement));
        else if (!plan.drop.has(k)) {
          // Copy: the window buffer is reused on the next refill.
          const raw = Buffer.from(await reader.get(s.offset, s.length));
          add(index.container === 'json_array' && (raw.includes(10) || raw.includes(13)) ? oneLine(raw, k, s.line) : raw);
        }
        inserts(k);
        if (size >= OUT_CHUNK) yield flush();
      }
    }
    if (size > 0) yield flush();
  } finally {
    await fh.close();
  }
}

function oneLine(raw: Buffer, k: number, line: number): Buffer {
  try {
    return Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
  } catch (e) {
    throw badRequest(`Example ${k} (line ${line}) is not valid JSON and cannot be rewritten as one line: ${(e as Error).message}`, null, 'invalid_example');
  }
}

/** `<stem>.edited-<n>.jsonl`, n = 1 + the highest n among `existing` names. */
export function derivedFilename(original: string, existing: string[]): { stem: string; name: string } {
  const stem = original.replace(/\.[^.]*$/, '').replace(/\.edited-\d+$/, '') || 'file';
  let max = 0;
  const re = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.edited-(\\d+)\\.jsonl$`);
  for (const f of existing) {
    const m = re.exec(f);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return { stem, name: `${stem}.edited-${max + 1}.jsonl` };
}
