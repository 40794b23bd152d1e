/**
 * Pages of examples for the editor: index records → positioned reads of the file, long examples
 * cut on a UTF-8 boundary, and whether the file can be edited as examples at all.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { DatasetExample, ExamplePage, ExamplesQuery } from '../../shared/schemas/datasets.js';
import type { ValDatasetResponse, ValidationIssue } from '../../shared/schemas/validation.js';
import type { ExampleSpan } from './example-scan.js';
import type { IndexHandle } from './example-index.js';
import { sniff } from '../../shared/validation/records.js';

/** Pages whose examples lie within this many bytes are one read; larger ones are read example by example. */
const ONE_READ_MAX = 4 << 20;
/** How long a request waits for a building index to reach its page before answering with what there is. */
const BUILD_WAIT_MS = 300;

const lossy = new TextDecoder('utf-8');

/** Bytes [0, n) of `b` without splitting a UTF-8 sequence. */
export function utf8Cut(b: Uint8Array, n: number): Uint8Array {
  if (n >= b.length) return b;
  let end = n;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--; // back off continuation bytes
  return b.subarray(0, end);
}

export async function readExamples(path: string, spans: ExampleSpan[], maxBytes: number): Promise<Uint8Array[]> {
  if (spans.length === 0) return [];
  const fh = await open(path, 'r');
  try {
    const first = spans[0]!;
    const last = spans.at(-1)!;
    const span = last.offset + last.length - first.offset;
    if (span <= ONE_READ_MAX) {
      const buf = await readAt(fh, first.offset, span);
      return spans.map((s) => buf.subarray(s.offset - first.offset, s.offset - first.offset + s.length));
    }
    const out: Uint8Array[] = [];
    // Read one byte past the cut so utf8Cut can tell whether the cut splits a character.
    for (const s of spans) out.push(await readAt(fh, s.offset, maxBytes > 0 ? Math.min(s.length, maxBytes + 1) : s.length));
    return out;
  } finally {
    await fh.close();
  }
}

/** Up to `n` bytes at `pos` (fewer at the end of the file). */
export async function readAt(fh: FileHandle, pos: number, n: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(n);
  let done = 0;
  while (done < n) {
    const { bytesRead } = await fh.read(buf, done, n - done, pos + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

export function toExample(index: number, s: ExampleSpan, bytes: Uint8Array, maxBytes: number): DatasetExample {
  const cut = maxBytes > 0 && s.length > maxBytes;
  return { index, line: s.line, bytes: s.length, text: lossy.decode(cut ? utf8Cut(bytes, maxBytes) : bytes.subarray(0, s.length)), truncated: cut };
}

export interface PageInput {
  fileId: string;
  path: string;
  fileBytes: number;
  index: IndexHandle;
  query: ExamplesQuery;
  readOnlyReason: string | null;
}

/** Text one page may carry: a page of huge examples comes back shorter (has_more stays true). */
const PAGE_BUDGET = 64 << 20;
/** "Show all" (max_bytes 0) still stops here: the validator refuses longer examples anyway. */
const SHOW_ALL_MAX = 64 << 20;

export async function examplePage(p: PageInput): Promise<ExamplePage> {
  const { offset, limit } = p.query;
  const max_bytes = p.query.max_bytes === 0 ? SHOW_ALL_MAX : p.query.max_bytes;
  await p.index.waitFor(offset + limit + 1, BUILD_WAIT_MS);
  const done = p.index.done;
  const count = p.index.count;
  const spans = await p.index.read(offset, limit);
  let budget = PAGE_BUDGET;
  for (let i = 0; i < spans.length; i++) {
    budget -= Math.min(spans[i]!.length, max_bytes);
    if (budget < 0 && i > 0) {
      spans.length = i;
      break;
    }
  }
  const bytes = await readExamples(p.path, spans, max_bytes);
  return {
    object: 'list',
    file_id: p.fileId,
    data: spans.map((s, i) => toExample(offset + i, s, bytes[i]!, max_bytes)),
    offset,
    total: done ? count : null,
    indexed_bytes: done ? p.fileBytes : p.index.indexedBytes,
    bytes: p.fileBytes,
    container: p.fileBytes === 0 ? null : p.index.container,
    has_more: done ? offset + spans.length < count : true,
    read_only_reason: p.readOnlyReason,
  };
}

const fatal = () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** "line N: message" for a validation issue. */
const describeIssue = (issue: ValidationIssue) => `${issue.line !== null ? `line ${issue.line}: ` : ''}${issue.message}`;

/**
 * Null when the file can be edited as examples; else why not, in the validator's words when its
 * latest report names the problem. Decided from the file's head and its first example, and, once
 * the whole file is indexed, from whether a JSON array breaks part-way (saving would drop the rest).
 */
export async function readOnlyReason(path: string, fileBytes: number, index: IndexHandle, report: ValDatasetResponse | null): Promise<string | null> {
  if (fileBytes === 0) return null;
  const head = await readHead(path);
  const s = sniff(head, head.length < 4);
  const fromReport = (example: number | null, line: number | null) => {
    const issue = report?.error_details.find(
      (e) => (e.category === 'invalid_json' || e.category === 'invalid_encoding' || e.category === 'data_type') && (example === null || e.example === example || (line !== null && e.line === line)),
    );
    return issue ? describeIssue(issue) : null;
  };
  if (s.kind === 'bad_encoding') return fromReport(null, null) ?? s.message;
  await index.waitFor(1, BUILD_WAIT_MS);
  if (index.done && index.count === 0) {
    // "[]" or a blank file is an empty dataset to add to; a broken array is not.
    return index.clean ? null : (fromReport(null, null) ?? 'invalid JSON: the JSON array has no examples that can be read');
  }
  // The first example decides: a bad line further on is something to fix in the editor.
  const [first] = await index.read(0, 1);
  if (!first) return null;
  const [bytes] = await readExamples(path, [first], 0);
  const why = notAnObject(bytes!);
  if (why) return fromReport(1, first.line) ?? `line ${first.line}: ${why}`;
  if (index.done && !index.clean) {
    const fault = report?.error_details.find((e) => e.category === 'invalid_json' && e.example === null);
    return fault ? describeIssue(fault) : `invalid JSON: the JSON array is malformed after example ${index.count}`;
  }
  return null;
}

function notAnObject(b: Uint8Array): string | null {
  let text: string;
  try {
    text = fatal().decode(b);
  } catch {
    return 'invalid UTF-8; the file must be UTF-8';
  }
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'each example must be a JSON object';
  } catch (e) {
    return `invalid JSON (${(e as Error).message})`;
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    return await readAt(fh, 0, 4096);
  } finally {
    await fh.close();
  }
}
