import type { Migration } from './index.js';

export const m0001: Migration = {
  id: 1,
  name: 'files_uploads',
  sql: `
    CREATE TABLE files (
      seq            INTEGER PRIMARY KEY AUTOINCREMENT, -- total order for pagination (created_at ties)
      id             TEXT NOT NULL UNIQUE,
      bytes          INTEGER NOT NULL,
      created_at     INTEGER NOT NULL,
      expires_at     INTEGER,
      filename       TEXT NOT NULL,
      purpose        TEXT NOT NULL,
      status         TEXT NOT NULL,
      status_details TEXT,
      md5            TEXT NOT NULL,
      sha256         TEXT NOT NULL,
      path           TEXT NOT NULL  -- relative to the data dir
    );
    CREATE INDEX files_purpose ON files (purpose, seq);
    CREATE INDEX files_expires ON files (expires_at) WHERE expires_at IS NOT NULL;

    -- Monotonic counters for readable ids (the seed's \`fine-tune-upload1-demo\` scheme).
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);

    CREATE TABLE uploads (
      id             TEXT PRIMARY KEY,
      bytes          INTEGER NOT NULL,
      created_at     INTEGER NOT NULL,
      expires_at     INTEGER NOT NULL,
      filename       TEXT NOT NULL,
      purpose        TEXT NOT NULL,
      mime_type      TEXT NOT NULL,
      file_expires_after INTEGER,     -- seconds, from expires_after, applied to the final file
      status         TEXT NOT NULL,
      file_id        TEXT
    );
    CREATE INDEX uploads_pending ON uploads (status, expires_at);

    CREATE TABLE upload_parts (
      id          TEXT PRIMARY KEY,
      upload_id   TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
      created_at  INTEGER NOT NULL,
      bytes       INTEGER NOT NULL,
      path        TEXT NOT NULL
    );
    CREATE INDEX upload_parts_upload ON upload_parts (upload_id);
  `,
};
