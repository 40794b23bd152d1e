/**
 * Finds example boundaries (byte offset, byte length, 1-based start line) in a dataset streamed in
 * chunks, without decoding or parsing: JSON Lines by newline search, a top-level JSON array with
 * the same depth counter that skips strings as the validator's JsonArraySplitter (records.ts). The
 * validator's splitters hand out decoded text, not positions, so this is the position-only twin.
 */
import type { DatasetContainer } from '../../shared/schemas/validation.js';

export interface ExampleSpan {
  offset: number;
  length: number;
  line: number;
}

export type SpanSink = (offset: number, length: number, line: number) => void;

const NL = 10;
const CR = 13;
const isWs = (b: number) => b === 32 || b === 9 || b === NL || b === CR;

export interface ExampleScanner {
  /** `chunk` starts at file byte `base`. */
  push(chunk: Uint8Array, base: number): void;
  end(fileBytes: number): void;
  /** After `end`: every byte of the file belongs to an indexed example or to the container. */
  readonly clean: boolean;
}

/** JSONL: every line with a non-whitespace byte is an example; CR before LF is not part of it. */
export class JsonlScanner implements ExampleScanner {
  readonly clean = true; // every line is an example or blank
  private lineStart: number;
  private line = 1;
  private nonBlank = false; // the pending line (started in an earlier chunk) has content

  constructor(
    private readonly sink: SpanSink,
    skip: number,
  ) {
    this.lineStart = skip;
  }

  push(chunk: Uint8Array, base: number): void {
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, pos);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.nonBlank) {
        for (let i = pos; i < end; i++) {
          if (!isWs(chunk[i]!)) {
            this.nonBlank = true;
            break;
          }
        }
      }
      if (nl < 0) break;
      this.emit(base + nl, (nl > 0 ? chunk[nl - 1] : this.prevLast) === CR);
      pos = nl + 1;
    }
    if (chunk.length > 0) this.prevLast = chunk[chunk.length - 1]!;
  }
  private prevLast = -1; // last byte of the previous chunk (a CR there belongs to the next LF)

  end(fileBytes: number): void {
    if (this.nonBlank) this.emit(fileBytes, false);
  }

  private emit(lineEnd: number, crBefore: boolean): void {
    if (this.nonBlank) {
      const end = crBefore ? lineEnd - 1 : lineEnd;
      this.sink(this.lineStart, Math.max(0, end - this.lineStart), this.line);
    }
    this.line++;
    this.lineStart = lineEnd + 1;
    this.nonBlank = false;
  }
}

type State = 'start' | 'before' | 'value' | 'after' | 'closed' | 'done';

/** A top-level JSON array: one span per element, from its first to its last byte. Stops at the first structural error. */
export class JsonArrayScanner implements ExampleScanner {
  private state: State = 'start';
  private depth = 0;
  private inString = false;
  private escape = false;
  private scalar = false;
  private start = 0;
  private startLine = 0; // 0 until the first element
  private line = 1;
  clean = false;

  constructor(
    private readonly sink: SpanSink,
    private readonly skip: number,
  ) {}

  push(chunk: Uint8Array, base: number): void {
    if (this.state === 'done') return;
    const from = base < this.skip ? this.skip - base : 0;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NL) this.line++;
      switch (this.state) {
        case 'start':
          if (isWs(b)) continue;
          if (b !== 0x5b) return void (this.state = 'done');
          this.state = 'before';
          continue;
        case 'before':
          if (isWs(b)) continue;
          if (b === 0x5d && this.startLine === 0) {
            this.state = 'closed'; // "[]"
            continue;
          }
          if (b === 0x5d || b === 0x2c) return void (this.state = 'done');
          this.state = 'value';
          this.start = base + i;
          this.startLine = this.line;
          this.inString = b === 0x22;
          this.escape = false;
          this.scalar = !(b === 0x22 || b === 0x7b || b === 0x5b);
          this.depth = b === 0x7b || b === 0x5b ? 1 : 0;
          continue;
        case 'value':
          if (this.inString) {
            if (this.escape) this.escape = false;
            else if (b === 0x5c) this.escape = true;
            else if (b === 0x22) {
              this.inString = false;
              if (this.depth === 0) this.finish(base + i + 1);
            }
            continue;
          }
          if (this.scalar) {
            if (b === 0x2c || b === 0x5d || isWs(b)) {
              this.finish(base + i);
              i--; // re-read the delimiter
              if (b === NL) this.line--;
            }
            continue;
          }
          if (b === 0x22) this.inString = true;
          else if (b === 0x7b || b === 0x5b) this.depth++;
          else if (b === 0x7d || b === 0x5d) {
            if (--this.depth === 0) this.finish(base + i + 1);
          }
          continue;
        case 'after':
          if (isWs(b)) continue;
          if (b === 0x2c) this.state = 'before';
          else if (b === 0x5d) this.state = 'closed';
          else return void (this.state = 'done'); // garbage: nothing more to index
          continue;
        case 'closed':
          if (!isWs(b)) return void (this.state = 'done'); // content after the array
          continue;
      }
    }
  }

  end(): void {
    // An unterminated last element is not an example we can show, and the file is not clean.
    this.clean = this.state === 'closed';
    this.state = 'done';
  }

  private finish(end: number): void {
    this.sink(this.start, end - this.start, this.startLine);
    this.state = 'after';
  }
}

/** BOM length and container from the first bytes (same rule as the validator's sniff). */
export function detectContainer(head: Uint8Array): { container: DatasetContainer; skip: number } {
  const skip = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let i = skip;
  while (i < head.length && isWs(head[i]!)) i++;
  return { container: head[i] === 0x5b ? 'json_array' : 'jsonl', skip };
}
