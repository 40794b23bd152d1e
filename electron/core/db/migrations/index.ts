/**
 * Numbered schema migrations. Append only: never edit a migration that has shipped; add the next
 * number instead. Each runs once, in order, inside a transaction, and is recorded in
 * `schema_migrations`.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

import { m0001 } from './0001_files_uploads.js';

export const migrations: Migration[] = [m0001];
