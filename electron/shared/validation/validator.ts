/**
 * The streaming dataset validator: feed it the file's bytes in chunks of any size, then call
 * finish() for the report. Memory is bounded by the largest single example (capped by
 * maxRecordBytes) plus fixed-size statistics, whatever the file size. It never throws on bad input.
 */
import {
  NO_ERRORS_LINE,
  type DatasetContainer,
  type DatasetFormat,
  type ErrorCategory,
  type ValidationReport,
  type WarningCategory,
} from '../schemas/validation.js';
import { IssueCollector } from './issues.js';
import { DuplicateDetector } from './duplicates.js';
import { IntDistribution, autoEpochs } from './distribution.js';
import { JsonArraySplitter, JsonlSplitter, concat, exactCodec, sniff, type RecordSink, type Splitter, type TextCodec } from './records.js';
import {
  CHECKS,
  FORMAT_NAMES,
  detectFormat,
  isObj,
  shortJsonError,
  type CheckContext,
  type CheckedExample,
  type Json,
  type Obj,
} from './example-checks.js';
import { EstimateTokenCounter, type TokenCounter } from './token-count.js';

export interface ValidateOptions {
  /** Enforce a format (a job's method: supervised → chat, dpo → preference); default: detect. */
  format?: DatasetFormat;
  /** Exact counts with a model's tokenizer; default: an estimate. */
  tokenCounter?: TokenCounter;
  /** Context length for the estimate (a model counter brings its own). */
  contextLength?: number;
  /** Fewer examples than this is an error (job creation); otherwise only a warning. Default: warning. */
  requireMinExamples?: boolean;
  minExamples?: number;
  /** Instances kept per category (counts are always complete). Default 5. */
  maxSamplesPerCategory?: number;
  /** Longest single example; longer ones are skipped with line_too_long. Default 64 MiB. */
  maxRecordBytes?: number;
  /** Bound on the duplicate detector's hash set (entries). */
  maxDuplicateEntries?: number;
  /** A faster bytes → text codec from the host (see TextCodec); used for the estimate pass only. */
  codec?: TextCodec;
}

export const DEFAULT_MIN_EXAMPLES = 10;
export const RECOMMENDED_MIN_EXAMPLES = 50;
const HEAD_LIMIT = 1 << 20;

export class DatasetValidator {
  private errors: IssueCollector;
  private warnings: IssueCollector;
  private dupes: DuplicateDetector;
  private counter: TokenCounter;
  private codec: TextCodec;
  private collect = new Collect();
  private splitter: Splitter | null = null;
  private container: DatasetContainer | null = null;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private bytes = 0;
  private fileFormat: DatasetFormat | null;
  private formatLine = 0;
  private done = false;
  private fatal = false;

  private validExamples = 0;
  private messages = new IntDistribution();
  private tokens = new IntDistribution();
  private trained = new IntDistribution();
  private overContext = 0;
  private tokensPerEpoch = 0;
  private trainedPerEpoch = 0;

  constructor(private opts: ValidateOptions = {}) {
    const samples = opts.maxSamplesPerCategory ?? 5;
    this.errors = new IssueCollector(samples);
    this.warnings = new IssueCollector(samples);
    this.dupes = new DuplicateDetector(opts.maxDuplicateEntries);
    // A model tokenizer needs exact text; the estimate works on a bytewise view just as well.
    this.codec = !opts.tokenCounter && opts.codec ? opts.codec : exactCodec();
    this.counter = opts.tokenCounter ?? new EstimateTokenCounter(opts.contextLength, this.codec.bytewise);
    this.fileFormat = opts.format ?? null;
  }

  /** Bytes consumed so far (for progress). */
  get bytesRead(): number {
    return this.bytes;
  }

  push(chunk: Uint8Array): void {
    if (this.done || this.fatal || chunk.length === 0) return;
    this.bytes += chunk.length;
    if (this.splitter) return this.safePush(chunk);
    this.head.push(chunk.slice());
    this.headBytes += chunk.length;
    this.decide(false);
  }

  finish(): ValidationReport {
    if (!this.done) {
      this.done = true;
      if (!this.splitter && !this.fatal) this.decide(true);
      if (this.splitter) {
        try {
          this.splitter.end();
        } catch (e) {
          this.internal(e);
        }
      }
      this.fileChecks();
    }
    return this.report();
  }

  private decide(final: boolean): void {
    const head = concat(this.head, this.headBytes);
    const s = sniff(head, final);
    if (s.kind === 'need_more' && this.headBytes < HEAD_LIMIT) {
      this.head = [head];
      return;
    }
    this.head = [];
    this.headBytes = 0;
    if (s.kind === 'bad_encoding') {
      this.fatal = true;
      this.errors.add({ category: 'invalid_encoding', line: 1, example: null, path: null, message: s.message });
      return;
    }
    if (s.kind === 'empty') return; // reported by fileChecks
    const container = s.kind === 'ok' ? s.container : 'jsonl';
    const skip = s.kind === 'ok' ? s.skip : 0;
    this.container = container;
    const max = this.opts.maxRecordBytes ?? 64 * 1024 * 1024;
    this.splitter =
      container === 'jsonl' ? new JsonlSplitter(this.sink, max, this.codec) : new JsonArraySplitter(this.sink, max, this.codec);
    this.safePush(head.subarray(skip));
  }

  private safePush(chunk: Uint8Array): void {
    try {
      this.splitter!.push(chunk);
    } catch (e) {
      this.internal(e);
    }
  }

  /** A bug must not take the server down: record it as an error and stop reading. */
  private internal(e: unknown): void {
    this.fatal = true;
    this.errors.add({
      category: 'internal_error',
      line: null,
      example: null,
      path: null,
      message: `validation stopped: internal error (${shortJsonError(e)})`,
    });
  }

  private sink: RecordSink = {
    record: (text, bytes, line, example) => this.onRecord(text, bytes, line, example),
    problem: (category, line, example, message) => this.errors.add({ category, line, example, path: null, message }),
    blankLine: (line) =>
      this.warnings.add({
        category: 'blank_line',
        line,
        example: null,
        path: null,
        message: 'blank line between examples (ignored)',
      }),
  };

  private onRecord(text: string, bytes: Uint8Array, line: number, example: number): void {
    let value: Json;
    try {
      value = JSON.parse(text) as Json;
    } catch (e) {
      let err = e;
      // A bytewise string gives byte columns and garbled echoes: re-parse the exact text.
      const exact = this.exactText(text, bytes);
      if (exact !== text) {
        try {
          JSON.parse(exact);
        } catch (e2) {
          err = e2;
        }
      }
      const at = locateJsonError(err, exact, line);
      let why = at.message;
      if (line === 1 && text.trim() === '{')
        why += '; the file looks like pretty-printed JSON, but JSONL needs one whole example per line';
      this.errors.add({ category: 'invalid_json', line: at.line, example, path: null, message: `invalid JSON (${why})` });
      return;
    }
    const at = { line, example };
    if (!isObj(value)) {
      const t = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      this.errors.add({ category: 'data_type', ...at, path: null, message: `example must be a JSON object, got ${t}` });
      return;
    }
    const own = detectFormat(value);
    let format = this.fileFormat;
    if (own && !format) {
      format = this.fileFormat = own;
      this.formatLine = line;
    } else if (own && format && own !== format) {
      const message = this.opts.format
        ? `expected a ${FORMAT_NAMES[format]} example, found ${FORMAT_NAMES[own]}`
        : `example is ${FORMAT_NAMES[own]} but the file is ${FORMAT_NAMES[format]} (from line ${this.formatLine})`;
      this.errors.add({ category: this.opts.format ? 'unexpected_format' : 'mixed_formats', ...at, path: null, message });
      return;
    }
    const check = CHECKS[format ?? 'chat'];
    let found = this.collect.run(check, value);
    if (this.codec.bytewise && found.issues.some(hasNonAscii)) {
      // Messages quote keys and names: take them from an exact decode of the same example.
      const exact = this.exactText(text, bytes);
      found = { ...found, issues: new Collect().run(check, JSON.parse(exact) as Obj).issues };
    }
    for (const i of found.issues) (i.error ? this.errors : this.warnings).add({ category: i.category, ...at, path: i.path, message: i.message });
    const first = this.dupes.check(bytes, line);
    if (first !== 0)
      this.warnings.add({ category: 'duplicate_example', ...at, path: null, message: `duplicate of the example at line ${first}` });
    if (found.errors > 0) return;

    let counts;
    try {
      counts = this.counter.count(found.checked);
    } catch (e) {
      if (this.counter.info.method === 'model') {
        const message = `${this.counter.info.model}'s chat template rejected this example: ${shortJsonError(e)}`;
        this.errors.add({ category: 'chat_template_error', ...at, path: null, message });
        return;
      }
      this.warnings.add({ category: 'token_count_failed', ...at, path: null, message: `tokens could not be counted (${shortJsonError(e)})` });
      counts = null;
    }
    const checked = found.checked;
    this.validExamples++;
    this.messages.add(checked.format === 'completion' ? 2 : checked.messages.length + (checked.format === 'preference' ? 1 : 0));
    if (!counts) return;
    const ctxLen = this.counter.info.context_length;
    this.tokens.add(counts.total);
    this.trained.add(counts.trained);
    this.tokensPerEpoch += Math.min(ctxLen, counts.total);
    this.trainedPerEpoch += counts.trained;
    if (counts.total > ctxLen) {
      this.overContext++;
      this.warnings.add({
        category: 'exceeds_context',
        ...at,
        path: null,
        message: `example has ${counts.total} tokens, more than the ${ctxLen}-token limit; it will be truncated`,
      });
    }
  }

  /** The exact text of a record (differs from `text` only under a bytewise codec with non-ASCII). */
  private exactText(text: string, bytes: Uint8Array): string {
    if (!this.codec.bytewise) return text;
    let ascii = true;
    for (let i = 0; i < bytes.length; i++)
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    return ascii ? text : (exactCodec().decode(bytes) ?? text);
  }

  private fileChecks(): void {
    const examples = this.splitter?.examples ?? 0;
    const fileWide = { line: null, example: null, path: null } as const;
    if (this.fatal) return;
    if (examples === 0) {
      this.errors.add({
        category: 'empty_file',
        ...fileWide,
        message: this.container === 'json_array' ? 'the JSON array has no examples' : 'the file has no examples',
      });
      return;
    }
    const min = this.opts.minExamples ?? DEFAULT_MIN_EXAMPLES;
    if (examples < min) {
      const message = `the file has ${examples} example${examples === 1 ? '' : 's'}; fine-tuning needs at least ${min}`;
      if (this.opts.requireMinExamples) this.errors.add({ category: 'too_few_examples', ...fileWide, message });
      else this.warnings.add({ category: 'too_few_examples', ...fileWide, message });
    } else if (examples < RECOMMENDED_MIN_EXAMPLES) {
      this.warnings.add({
        category: 'few_examples',
        ...fileWide,
        message: `the file has ${examples} examples; ${RECOMMENDED_MIN_EXAMPLES}–100 usually give clearly better results`,
      });
    }
    // Accepted (the seed's own sample is an array), but OpenAI's fine-tuning API takes JSON Lines only.
    if (this.container === 'json_array') {
      this.warnings.add({
        category: 'json_array_container',
        ...fileWide,
        message: 'the file is a JSON array; OpenAI fine-tuning requires JSON Lines (one example per line). Hone accepts it, and the dataset editor can save it as JSONL',
      });
    }
  }

  private report(): ValidationReport {
    const valid = this.errors.total === 0;
    const auto = autoEpochs(this.validExamples);
    return {
      object: 'dataset.validation',
      valid,
      format: this.fileFormat,
      format_source: this.opts.format ? 'enforced' : 'detected',
      container: this.container,
      bytes: this.bytes,
      error_lines: valid ? [NO_ERRORS_LINE] : this.errors.lines(this.container),
      error_counts: this.errors.countsObject(),
      error_details: this.errors.details(),
      warning_counts: this.warnings.countsObject(),
      warnings: this.warnings.details(),
      stats: {
        examples: this.splitter?.examples ?? 0,
        valid_examples: this.validExamples,
        messages_per_example: this.messages.summary(),
        tokens_per_example: this.tokens.summary(),
        trained_tokens_per_example: this.trained.summary(),
        tokens_histogram: this.tokens.histogram(),
        trained_tokens_histogram: this.trained.histogram(),
        token_counting: this.counter.info,
        examples_over_context: this.overContext,
        tokens_per_epoch: this.tokensPerEpoch,
        trained_tokens_per_epoch: this.trainedPerEpoch,
        auto_epochs: auto,
        estimated_training_tokens: (auto ?? 0) * this.tokensPerEpoch,
        duplicates_fully_checked: this.dupes.complete,
      },
    };
  }
}

/**
 * V8 reports a character offset ("… in JSON at position 812"); turn it into the file line (JSON-array
 * examples span lines) and a 1-based column, and drop V8's echo of a possibly huge input.
 */
function locateJsonError(e: unknown, text: string, startLine: number): { line: number; message: string } {
  let msg = e instanceof Error ? e.message : String(e);
  const m = /(?:at )?position (\d+)(?: \(line \d+ column \d+\))?/.exec(msg);
  let line = startLine;
  if (m) {
    const pos = Math.min(Number(m[1]), text.length);
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    msg = msg.slice(0, m.index).replace(/\s*in JSON\s*$/, '').trimEnd() + ` at column ${pos - lineStart + 1}`;
  }
  msg = msg.replace(/, "[\s\S]*" is not valid JSON$/, '');
  return { line, message: msg.length > 160 ? msg.slice(0, 157) + '...' : msg };
}

interface Found {
  category: ErrorCategory | WarningCategory;
  error: boolean;
  path: string | null;
  message: string;
}

/** Buffers what a format's checks report (one instance per validator: no closures per example). */
class Collect implements CheckContext {
  issues: Found[] = [];
  errors = 0;
  error(category: ErrorCategory, path: string | null, message: string): void {
    this.errors++;
    this.issues.push({ category, error: true, path, message });
  }
  warn(category: WarningCategory, path: string | null, message: string): void {
    this.issues.push({ category, error: false, path, message });
  }
  run(check: (ex: Obj, ctx: CheckContext) => CheckedExample, value: Obj) {
    this.issues = [];
    this.errors = 0;
    const checked = check(value, this);
    return { issues: this.issues, errors: this.errors, checked };
  }
}

const hasNonAscii = (i: Found) => /[\u0080-\uffff]/.test(i.message) || (i.path !== null && /[\u0080-\uffff]/.test(i.path));

/** Validates any (async) iterable of byte chunks: a Node stream, a web ReadableStream, an array. */
export async function validateChunks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: ValidateOptions = {},
): Promise<ValidationReport> {
  const v = new DatasetValidator(opts);
  for await (const chunk of source) v.push(chunk);
  return v.finish();
}

/** Convenience for the editor and tests: validates a string (encoded as UTF-8). */
export function validateText(text: string, opts: ValidateOptions = {}): ValidationReport {
  const v = new DatasetValidator(opts);
  v.push(new TextEncoder().encode(text));
  return v.finish();
}

/** Validates raw bytes (lets tests feed BOMs and invalid UTF-8), optionally in small chunks. */
export function validateBytes(bytes: Uint8Array, opts: ValidateOptions = {}, chunkSize = 1 << 16): ValidationReport {
  const v = new DatasetValidator(opts);
  for (let i = 0; i < bytes.length; i += chunkSize) v.push(bytes.subarray(i, i + chunkSize));
  return v.finish();
}
