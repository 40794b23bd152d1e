import type { Migration } from './index.js';

/** Model exports (merged, GGUF, LoRA GGUF, Ollama) and their progress events. */
export const m0020: Migration = {
  id: 20,
  name: 'exports',
  sql: `
    CREATE TABLE exports (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      model TEXT NOT NULL,
      base TEXT NOT NULL,               -- base model name or dir
      adapter TEXT,                     -- the fine-tuned model's adapter dir
      format TEXT NOT NULL,
      quantization TEXT,
      name TEXT NOT NULL,
      status TEXT NOT NULL,            -- queued | running | succeeded | failed | cancelled
      progress REAL,
      stage TEXT,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      seconds REAL,
      files TEXT NOT NULL DEFAULT '[]', -- JSON [{name, bytes}]
      error TEXT,                       -- JSON {message, code}
      pid INTEGER
    );
    CREATE INDEX exports_model ON exports (model, seq);
    CREATE TABLE export_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      export_id TEXT NOT NULL REFERENCES exports (id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      level TEXT NOT NULL,
      stage TEXT,
      progress REAL,
      message TEXT NOT NULL
    );
    CREATE INDEX export_events_export ON export_events (export_id, id);
  `,
};
