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
import { m0002 } from './0002_upload_assembly.js';
import { m0010 } from './0010_jobs.js';
import { m0011 } from './0011_job_benchmarks.js';
import { m0020 } from './0020_exports.js';

export const migrations: Migration[] = [m0001, m0002, m0010, m0011, m0020];
