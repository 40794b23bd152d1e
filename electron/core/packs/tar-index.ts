/**
 * Reads a tar's table of contents by positional reads of its 512-byte headers (the data is never
 * read here), so a multi-GB pack is listed in milliseconds and each member can then be streamed with
 * `createReadStream(tar, { start, end })`. Understands ustar (with its name prefix), PAX `path`/`size`
 * records (Python's tarfile default) and GNU long names; only regular files and directories matter.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface TarMember {
  name: string;
  /** Byte offset of the member's data in the tar. */
  offset: number;
  size: number;
}

const BLOCK = 512;

function cstr(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end === -1 || end > start + len ? start + len : end);
}

function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 for sizes ≥ 8 GiB: the high bit of the first byte set.
  if (buf[start]! & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = cstr(buf, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxRecords(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(' ', i);
    if (sp === -1) break;
    const len = Number(text.slice(i, sp));
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = text.slice(sp + 1, i + len - 1); // "key=value" without the trailing newline
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

export class NotATar extends Error {}

/** The regular files of `path`, in archive order. Throws NotATar on anything that is not a tar. */
export function tarIndex(path: string): TarMember[] {
  const fd = openSync(path, 'r');
  try {
    const total = fstatSync(fd).size;
    const header = Buffer.alloc(BLOCK);
    const members: TarMember[] = [];
    let pos = 0;
    let longName: string | null = null;
    let pax: Record<string, string> = {};
    const readData = (at: number, size: number) => {
      const b = Buffer.alloc(size);
      readSync(fd, b, 0, size, at);
      return b;
    };
    while (pos + BLOCK <= total) {
      readSync(fd, header, 0, BLOCK, pos);
      if (header.every((b) => b === 0)) break; // end of archive
      // The checksum proves it is a tar header: its bytes summed with the checksum field as spaces.
      const stored = octal(header, 148, 8);
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
      if (stored !== sum) throw new NotATar(`not a tar archive (bad header at byte ${pos})`);
      const type = String.fromCharCode(header[156]!);
      let size = octal(header, 124, 12);
      const dataAt = pos + BLOCK;
      const next = () => dataAt + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'g' || type === 'L') {
        const data = readData(dataAt, size);
        if (type === 'x') pax = paxRecords(data.toString('utf8'));
        if (type === 'L') longName = cstr(data, 0, data.length);
        pos = next();
        continue;
      }
      const prefix = header.toString('latin1', 257, 263).startsWith('ustar') ? cstr(header, 345, 155) : '';
      let name = pax.path ?? longName ?? (prefix ? `${prefix}/${cstr(header, 0, 100)}` : cstr(header, 0, 100));
      if (pax.size) size = Number(pax.size);
      name = name.replace(/^\.\//, '');
      if ((type === '0' || type === '\0' || type === '7') && name && !name.endsWith('/')) {
        if (dataAt + size > total) throw new NotATar(`the tar is truncated (${name} ends past the end of the file)`);
        members.push({ name, offset: dataAt, size });
      }
      pax = {};
      longName = null;
      pos = next();
    }
    return members;
  } finally {
    closeSync(fd);
  }
}
