/**
 * Size-capped log files in the logs folder (main's own log, and the core's stdout/stderr): when a
 * file passes the cap it becomes `<name>.1` (the previous `.1` is dropped), so logs never fill the disk.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LogFile {
  path: string;
  write(text: string): void;
  line(message: string): void;
}

export const DEFAULT_LOG_CAP = 5 * 1024 * 1024;

export function openLogFile(dir: string, name: string, capBytes = DEFAULT_LOG_CAP, now: () => Date = () => new Date()): LogFile {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    /* new file */
  }
  const rotate = () => {
    try {
      renameSync(path, `${path}.1`);
    } catch {
      /* nothing to rotate */
    }
    size = 0;
  };
  if (size >= capBytes) rotate();
  const write = (text: string) => {
    const bytes = Buffer.byteLength(text);
    if (size + bytes > capBytes && size > 0) rotate();
    try {
      appendFileSync(path, text);
      size += bytes;
    } catch {
      /* a full or read-only disk must not take the app down */
    }
  };
  return { path, write, line: (message) => write(`${now().toISOString()} ${message}\n`) };
}
