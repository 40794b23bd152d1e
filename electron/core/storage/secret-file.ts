import { randomUUID } from 'node:crypto';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes `text` to `path` with mode 0600, atomically (temp + rename): keys, tokens, settings. */
export function writeSecretFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.tmp-${randomUUID()}`);
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600); // mode is masked by the umask; make sure
  renameSync(tmp, path);
}
