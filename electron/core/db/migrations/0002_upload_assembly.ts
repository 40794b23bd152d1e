import type { Migration } from './index.js';

/**
 * Parts appended straight into an upload's assembly file (the sequential fast path): their bytes
 * are at [assembly_offset, assembly_offset + bytes) of `path`. NULL = the part is its own file.
 */
export const m0002: Migration = {
  id: 2,
  name: 'upload_assembly',
  sql: `ALTER TABLE upload_parts ADD COLUMN assembly_offset INTEGER;`,
};
