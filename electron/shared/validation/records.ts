/**
 * Byte-level splitting of a dataset into example records, in constant memory (one record at a time).
 * JSONL: one example per line. JSON array: the top-level `[...]` is scanned with a small state
 * machine (depth counter, no recursion) so each element is parsed on its own.
 */
import type { DatasetContainer } from '../schemas/validation.js';

export interface RecordSink {
  /**
   * One example: its text (see TextCodec.bytewise), its UTF-8 bytes (valid only during the call),
   * the 1-based line where it starts and its 1-based index.
   */
  record(text: string, bytes: Uint8Array, line: number, example: number): void;
  /** A problem found while splitting: invalid_json, invalid_encoding, line_too_long. */
  problem(category: 'invalid_json' | 'invalid_encoding' | 'line_too_long', line: number, example: number | null, message: string): void;
  /** A whitespace-only line between JSONL examples. */
  blankLine(line: number): void;
}

export interface Splitter {
  push(chunk: Uint8Array): void;
  end(): void;
  readonly examples: number;
}

const NL = 10;
const CR = 13;

/**
 * Bytes → string. The default decodes UTF-8 exactly (TextDecoder, fatal). A host can plug in a
 * faster `bytewise` codec that checks UTF-8 validity and then maps each byte to one character
 * (Latin-1): JSON structure is ASCII, so parsing and the format checks work unchanged, and the
 * validator re-decodes exactly whenever text ends up in a message or a token count.
 */
export interface TextCodec {
  /** The text, or null when the bytes are not valid UTF-8. */
  decode(bytes: Uint8Array): string | null;
  readonly bytewise: boolean;
}

/** A fatal decoder: invalid UTF-8 throws instead of turning into U+FFFD. BOM handled by the caller. */
const newDecoder = () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function exactCodec(): TextCodec {
  const d = newDecoder();
  return {
    bytewise: false,
    decode(bytes) {
      try {
        return d.decode(bytes);
      } catch {
        return null;
      }
    },
  };
}

/** Joins byte pieces (whose lengths sum to `total`) without copying a single piece. */
export function concat(pieces: Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const isWsByte = (b: number) => b === 32 || b === 9 || b === NL || b === CR;

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== CR && c !== NL) return false;
  }
  return true;
}

function mib(n: number): string {
  return `${Math.round((n / 1048576) * 10) / 10} MiB`;
}

export class JsonlSplitter implements Splitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private skipping = false; // inside an over-long line: drop bytes until the next newline
  private line = 1; // number of the line whose bytes are pending
  private blanks: number[] = []; // blank lines not yet known to be trailing
  examples = 0;

  constructor(
    private sink: RecordSink,
    private maxLineBytes: number,
    private codec: TextCodec,
  ) {}

  push(chunk: Uint8Array): void {
    let pos = 0;
    const len = chunk.length;
    // Finish the line carried over from the previous chunk.
    if (this.pendingBytes > 0 || this.skipping) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.hold(chunk, 0, len);
        return;
      }
      this.hold(chunk, 0, nl);
      this.flushPending();
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) {
      // Decode every complete line of the chunk at once: one native call instead of one per line.
      const region = chunk.subarray(pos, last + 1);
      const text = this.codec.decode(region);
      if (text === null) this.splitBytewise(region);
      else this.splitDecoded(region, text);
      pos = last + 1;
    }
    if (pos < len) this.hold(chunk, pos, len);
  }

  end(): void {
    if (this.pendingBytes > 0 || this.skipping) this.flushPending();
    // Blank lines at the end of the file are normal (the trailing newline); say nothing.
    this.blanks = [];
  }

  /** Region ends with "\n". Byte and character offsets coincide for a bytewise codec. */
  private splitDecoded(region: Uint8Array, text: string): void {
    const lines = this.codec.bytewise ? null : text.split('\n');
    let s = 0;
    for (let k = 0; ; k++) {
      const nl = region.indexOf(NL, s);
      if (nl < 0) break;
      const t = lines ? lines[k]! : text.slice(s, nl);
      this.onLine(t, region.subarray(s, nl));
      s = nl + 1;
    }
  }

  /** Slow path for a region with invalid UTF-8: decode line by line to find the bad ones. */
  private splitBytewise(region: Uint8Array): void {
    let s = 0;
    for (;;) {
      const nl = region.indexOf(NL, s);
      if (nl < 0) break;
      this.hold(region, s, nl);
      this.flushPending();
      s = nl + 1;
    }
  }

  private hold(chunk: Uint8Array, s: number, e: number): void {
    if (this.skipping || e <= s) return;
    if (this.pendingBytes + (e - s) > this.maxLineBytes) {
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
      return;
    }
    this.pending.push(chunk.slice(s, e)); // copy: the caller may reuse its buffer
    this.pendingBytes += e - s;
  }

  private flushPending(): void {
    if (this.skipping) {
      this.skipping = false;
      this.tooLong();
      return;
    }
    const bytes = concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const text = this.codec.decode(bytes);
    if (text === null) {
      this.flushBlanks();
      this.examples++;
      this.sink.problem('invalid_encoding', this.line++, this.examples, describeBadUtf8(bytes));
      return;
    }
    this.onLine(text, bytes);
  }

  private tooLong(): void {
    this.flushBlanks();
    this.examples++;
    this.sink.problem('line_too_long', this.line++, this.examples, `line is longer than ${mib(this.maxLineBytes)}; it was skipped`);
  }

  private onLine(raw: string, bytes: Uint8Array): void {
    if (bytes.length > this.maxLineBytes) return this.tooLong();
    const line = this.line++;
    if (raw.length === 0 || isBlank(raw)) {
      this.blanks.push(line);
      return;
    }
    this.flushBlanks();
    this.examples++;
    this.sink.record(raw, bytes, line, this.examples);
  }

  private flushBlanks(): void {
    if (this.blanks.length === 0) return;
    for (const b of this.blanks) this.sink.blankLine(b);
    this.blanks = [];
  }
}

/** Where the first invalid UTF-8 sequence of a line starts, for the error message. */
function describeBadUtf8(bytes: Uint8Array): string {
  const d = newDecoder();
  // Binary search the longest valid prefix would be cute; a linear scan of one line is enough.
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) break;
    try {
      d.decode(bytes.subarray(i, i + n));
    } catch {
      break;
    }
    i += n;
  }
  const hex = Array.from(bytes.subarray(i, i + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `invalid UTF-8 at byte ${i + 1} of the line (bytes ${hex}); the file must be UTF-8`;
}

type ArrayState = 'start' | 'before_value' | 'in_value' | 'after_value' | 'after_array' | 'dead';

/**
 * Streams the elements of a top-level JSON array. Element boundaries come from a depth counter
 * that skips strings; each element is then parsed with JSON.parse by the caller (iterative in V8,
 * so deep nesting cannot overflow the stack). Linear in the input: each byte is looked at once.
 */
export class JsonArraySplitter implements Splitter {
  private state: ArrayState = 'start';
  private depth = 0;
  private inString = false;
  private escape = false;
  private scalar = false; // the current element is a bare number/literal
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  private discard = false;
  private line = 1;
  private elementLine = 1;
  examples = 0;

  constructor(
    private sink: RecordSink,
    private maxRecordBytes: number,
    private codec: TextCodec,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.state === 'dead') return;
    let start = this.state === 'in_value' ? 0 : -1; // where the current element's bytes begin in this chunk
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === NL) this.line++;
      switch (this.state) {
        case 'start':
          if (isWsByte(b)) continue;
          if (b !== 0x5b) return this.die('the file starts like a JSON array but is not one');
          this.state = 'before_value';
          continue;
        case 'before_value':
          if (isWsByte(b)) continue;
          if (b === 0x5d /* ] */) {
            if (this.examples === 0) {
              this.state = 'after_array';
              continue;
            }
            return this.die('trailing comma before "]"');
          }
          if (b === 0x2c) return this.die('unexpected "," (empty array element)');
          this.beginElement(b);
          start = i;
          continue;
        case 'in_value': {
          if (this.inString) {
            if (this.escape) this.escape = false;
            else if (b === 0x5c) this.escape = true;
            else if (b === 0x22) {
              this.inString = false;
              if (this.depth === 0) {
                this.take(chunk, start, i + 1);
                start = -1;
                this.finishElement();
                this.state = 'after_value';
              }
            }
            continue;
          }
          if (this.scalar) {
            if (b === 0x2c || b === 0x5d || isWsByte(b)) {
              this.take(chunk, start, i);
              start = -1;
              this.finishElement();
              this.state = 'after_value';
              i--; // re-read the delimiter in after_value
              if (b === NL) this.line--;
            }
            continue;
          }
          if (b === 0x22) this.inString = true;
          else if (b === 0x7b || b === 0x5b) this.depth++;
          else if (b === 0x7d || b === 0x5d) {
            this.depth--;
            if (this.depth === 0) {
              this.take(chunk, start, i + 1);
              start = -1;
              this.finishElement();
              this.state = 'after_value';
            }
          }
          continue;
        }
        case 'after_value':
          if (isWsByte(b)) continue;
          if (b === 0x2c) this.state = 'before_value';
          else if (b === 0x5d) this.state = 'after_array';
          else return this.die(`expected "," or "]" after example ${this.examples}`);
          continue;
        case 'after_array':
          if (isWsByte(b)) continue;
          return this.die('unexpected content after the end of the JSON array');
      }
    }
    if (this.state === 'in_value' && start >= 0) this.take(chunk, start, chunk.length);
  }

  end(): void {
    switch (this.state) {
      case 'in_value':
        if (this.scalar) {
          this.finishElement();
          this.die('the JSON array is not closed ("]" missing)');
        } else {
          this.examples++;
          this.sink.problem(
            'invalid_json',
            this.elementLine,
            this.examples,
            'invalid JSON (unexpected end of file inside this example: the file is truncated)',
          );
        }
        return;
      case 'before_value':
      case 'after_value':
        this.die('the JSON array is not closed ("]" missing)');
        return;
      default:
        return;
    }
  }

  private beginElement(b: number): void {
    this.state = 'in_value';
    this.elementLine = this.line;
    this.pieces = [];
    this.pieceBytes = 0;
    this.discard = false;
    this.inString = b === 0x22;
    this.escape = false;
    this.scalar = !(b === 0x22 || b === 0x7b || b === 0x5b);
    this.depth = b === 0x7b || b === 0x5b ? 1 : 0;
  }

  private take(chunk: Uint8Array, s: number, e: number): void {
    if (this.discard || e <= s) return;
    if (this.pieceBytes + (e - s) > this.maxRecordBytes) {
      this.discard = true;
      this.pieces = [];
      this.pieceBytes = 0;
      return;
    }
    this.pieces.push(chunk.slice(s, e));
    this.pieceBytes += e - s;
  }

  private finishElement(): void {
    this.examples++;
    if (this.discard) {
      this.sink.problem(
        'line_too_long',
        this.elementLine,
        this.examples,
        `example is larger than ${mib(this.maxRecordBytes)}; it was skipped`,
      );
      return;
    }
    const bytes = concat(this.pieces, this.pieceBytes);
    this.pieces = [];
    this.pieceBytes = 0;
    const text = this.codec.decode(bytes);
    if (text === null) {
      this.sink.problem('invalid_encoding', this.elementLine, this.examples, describeBadUtf8(bytes).replace('of the line', 'of the example'));
      return;
    }
    this.sink.record(text, bytes, this.elementLine, this.examples);
  }

  private die(why: string): void {
    this.sink.problem('invalid_json', this.line, null, `invalid JSON (${why})`);
    this.state = 'dead';
  }
}

/** Result of looking at the first bytes of a file. */
export type Sniff =
  | { kind: 'need_more' }
  | { kind: 'empty' }
  | { kind: 'bad_encoding'; message: string }
  | { kind: 'ok'; container: DatasetContainer; skip: number };

/**
 * Decides encoding (UTF-8, optional BOM; UTF-16/32 refused) and container from the first bytes.
 * `final` is true at end of input. A JSON array starts with "[" after optional whitespace.
 */
export function sniff(head: Uint8Array, final: boolean): Sniff {
  if (head.length < 4 && !final) return { kind: 'need_more' };
  const b0 = head[0],
    b1 = head[1],
    b2 = head[2],
    b3 = head[3];
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff)
    return { kind: 'bad_encoding', message: 'the file is UTF-32 (big-endian BOM); it must be UTF-8' };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00)
    return { kind: 'bad_encoding', message: 'the file is UTF-32 (little-endian BOM); it must be UTF-8' };
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff))
    return { kind: 'bad_encoding', message: 'the file is UTF-16 (BOM found); it must be UTF-8' };
  // UTF-16 without a BOM: ASCII text with every other byte zero.
  if (head.length >= 4 && ((b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) || (b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0)))
    return { kind: 'bad_encoding', message: 'the file looks like UTF-16 (zero bytes between characters); it must be UTF-8' };
  const skip = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? 3 : 0;
  let i = skip;
  while (i < head.length && isWsByte(head[i]!)) i++;
  if (i === head.length) return final ? { kind: 'empty' } : { kind: 'need_more' };
  return { kind: 'ok', container: head[i] === 0x5b ? 'json_array' : 'jsonl', skip };
}
