/**
 * Duplicate-example detection in bounded memory: an open-addressing set of 64-bit string hashes
 * (two 32-bit multiplicative hashes of the raw bytes) in typed arrays, remembering the line of the first occurrence.
 * It stops growing at `maxEntries` and then reports that the check was partial.
 */
export class DuplicateDetector {
  private cap: number;
  private h1: Int32Array;
  private h2: Int32Array;
  private lines: Int32Array;
  private size = 0;
  private scratch = new Uint8Array(4096);
  complete = true;

  constructor(private maxEntries = 1 << 22) {
    this.cap = 1 << 12;
    this.h1 = new Int32Array(this.cap);
    this.h2 = new Int32Array(this.cap);
    this.lines = new Int32Array(this.cap); // 0 = empty slot (lines are 1-based)
  }

  /** Returns the line of an earlier example with the same bytes, or 0. */
  check(bytes: Uint8Array, line: number): number {
    // A multiplicative hash and a rotate-add checksum over 4-byte words: 64 bits of fingerprint at
    // one multiply per word. The bytes are copied (memcpy) to an aligned scratch buffer so that an
    // Int32Array can read whole words; reading bytes one by one is 3x slower in this hot loop.
    const len = bytes.length;
    if (this.scratch.length < len) this.scratch = new Uint8Array(Math.max(len, this.scratch.length * 2));
    this.scratch.set(bytes);
    const words = new Int32Array(this.scratch.buffer, 0, len >> 2);
    let a = 0x811c9dc5 ^ len;
    let b = 0x5bd1e995 ^ len;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      a = Math.imul(a ^ w, 0x01000193);
      b = (((b << 5) | (b >>> 27)) + w) | 0;
    }
    for (let i = len & ~3; i < len; i++) {
      a = Math.imul(a ^ bytes[i]!, 0x01000193);
      b = (((b << 5) | (b >>> 27)) + bytes[i]!) | 0;
    }
    b = Math.imul(b ^ (b >>> 15), 0x5bd1e995);
    a ^= a >>> 16;
    b ^= b >>> 15;
    const mask = this.cap - 1;
    let slot = a & mask;
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
    let slot = a & mask;
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
