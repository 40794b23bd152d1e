import type { Migration } from './index.js';

export const m0010: Migration = {
  id: 10,
  name: 'jobs',
  sql: `
    CREATE TABLE jobs (
      seq              INTEGER PRIMARY KEY AUTOINCREMENT, -- FIFO order and list order
      id               TEXT NOT NULL UNIQUE,
      created_at       INTEGER NOT NULL,
      model            TEXT NOT NULL,
      status           TEXT NOT NULL,
      training_file    TEXT NOT NULL,
      validation_file  TEXT,
      method           TEXT NOT NULL,            -- JSON, as requested
      hyperparameters  TEXT NOT NULL,            -- JSON, requested (merged top-level + method)
      resolved         TEXT,                     -- JSON, as the trainer resolved them
      suffix           TEXT,
      seed             INTEGER NOT NULL,
      metadata         TEXT,                     -- JSON
      integrations     TEXT,                     -- JSON
      gpus             INTEGER NOT NULL,
      priority         INTEGER NOT NULL DEFAULT 0,
      benchmarks       TEXT,                     -- JSON settings for the benchmark step
      assigned_gpus    TEXT,                     -- JSON array while running
      pid              INTEGER,                  -- trainer process (group leader) while running
      pid_started      TEXT,                     -- its /proc start time, to recognise it after a restart
      started_at       INTEGER,
      finished_at      INTEGER,
      estimated_finish INTEGER,
      step             INTEGER,
      total_steps      INTEGER,
      trained_tokens   INTEGER,
      error            TEXT,                     -- JSON {code,message,param}
      fine_tuned_model TEXT,
      output_path      TEXT,                     -- adapter or full weights when succeeded
      result_files     TEXT NOT NULL DEFAULT '[]',
      events_offset    INTEGER NOT NULL DEFAULT 0, -- bytes of events.jsonl already imported
      pending_action   TEXT,                     -- 'cancel' | 'pause' while the trainer stops
      mlflow           TEXT                      -- JSON: experiment/run ids and URLs
    );
    CREATE INDEX jobs_status ON jobs (status, priority, seq);
    CREATE INDEX jobs_model ON jobs (fine_tuned_model);

    CREATE TABLE job_events (
      seq        INTEGER PRIMARY KEY AUTOINCREMENT,
      id         TEXT NOT NULL UNIQUE,
      job_id     TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      level      TEXT NOT NULL,
      type       TEXT NOT NULL,
      message    TEXT NOT NULL,
      data       TEXT
    );
    CREATE INDEX job_events_job ON job_events (job_id, seq);

    CREATE TABLE job_checkpoints (
      seq        INTEGER PRIMARY KEY AUTOINCREMENT,
      id         TEXT NOT NULL UNIQUE,
      job_id     TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      step       INTEGER NOT NULL,
      path       TEXT NOT NULL,
      metrics    TEXT NOT NULL
    );
    CREATE INDEX job_checkpoints_job ON job_checkpoints (job_id, step);
  `,
};
