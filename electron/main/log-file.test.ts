import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLogFile } from './log-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hone-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('log files', () => {
  it('appends timestamped lines and rotates past the cap (one previous file kept)', () => {
    const log = openLogFile(join(dir, 'logs'), 'main.log', 200, () => new Date('2026-01-01T00:00:00Z'));
    log.line('hello');
    expect(readFileSync(log.path, 'utf8')).toBe('2026-01-01T00:00:00.000Z hello\n');
    for (let i = 0; i < 20; i++) log.write(`${'x'.repeat(40)}\n`);
    expect(statSync(log.path).size).toBeLessThanOrEqual(200);
    expect(existsSync(`${log.path}.1`)).toBe(true);
    expect(statSync(`${log.path}.1`).size).toBeLessThanOrEqual(200);
    // Reopened over the cap: rotated at once.
    log.write('y'.repeat(190));
    const again = openLogFile(join(dir, 'logs'), 'main.log', 100);
    again.write('z\n');
    expect(readFileSync(again.path, 'utf8')).toBe('z\n');
  });
});
