/**
 * Where a byte chunk of UTF-8 text can be cut without splitting a character: the console stream
 * sends whole characters only, so the byte offset it hands out as an event id is always a
 * character boundary and a client that resumes there decodes the rest exactly (no lost or
 * replacement characters, whatever the read size).
 */

/** Length of the longest prefix of `buf[0, n)` that ends on a character boundary. */
export function utf8Boundary(buf: Uint8Array, n: number): number {
  // A character is at most 4 bytes: only the last 3 can belong to an incomplete one.
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    // The lead's sequence is complete (or it is ASCII / an invalid byte, which never completes).
    return need > back && b >= 0xc0 ? n - back : n;
  }
  return n; // only continuation bytes at the end (invalid text): nothing to wait for
}
