/**
 * Duplicate-example detection in bounded memory: an open-addressing set of 64-bit string hashes
 * (two 32-bit FNV-1a variants) in typed arrays, remembering the line of the first occurrence.
 * It stops growing at `maxEntries` and then reports that the check was partial.
 */
export class DuplicateDetector {
  private cap: number;
  private h1: Int32Array;
  private h2: Int32Array;
  private lines: Int32Array;
  private size = 0;
  complete = true;

  constructor(private maxEntries = 1 << 22) {
    this.cap = 1 << 12;
    this.h1 = new Int32Array(this.cap);
    this.h2 = new Int32Array(this.cap);
    this.lines = new Int32Array(this.cap); // 0 = empty slot (lines are 1-based)
  }

  /** Returns the line of an earlier identical example, or 0. */
  check(text: string, line: number): number {
    let a = 0x811c9dc5 | 0;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    b ^= b >>> 15;
    const mask = this.cap - 1;
    let slot = (a ^ (a >>> 16)) & mask;
    for (;;) {
      const l = this.lines[slot]!;
      if (l === 0) break;
      if (this.h1[slot] === a && this.h2[slot] === b) return l;
      slot = (slot + 1) & mask;
    }
    if (this.size + 1 > this.cap * 0.7) {
      if (this.cap * 2 > this.maxEntries) {
        this.complete = false;
        return 0;
      }
      this.grow();
      return this.insert(a, b, line);
    }
    this.h1[slot] = a;
    this.h2[slot] = b;
    this.lines[slot] = line;
    this.size++;
    return 0;
  }

  private insert(a: number, b: number, line: number): number {
    const mask = this.cap - 1;
    let slot = (a ^ (a >>> 16)) & mask;
    while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
    this.h1[slot] = a;
    this.h2[slot] = b;
    this.lines[slot] = line;
    this.size++;
    return 0;
  }

  private grow(): void {
    const { h1, h2, lines } = this;
    this.cap *= 2;
    this.h1 = new Int32Array(this.cap);
    this.h2 = new Int32Array(this.cap);
    this.lines = new Int32Array(this.cap);
    this.size = 0;
    for (let i = 0; i < lines.length; i++) if (lines[i] !== 0) this.insert(h1[i]!, h2[i]!, lines[i]!);
  }
}
