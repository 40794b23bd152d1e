/**
 * TanStack Query keys, in one place: the live stream (app/live.ts) writes into the same entries
 * the views read, so each key is spelled once.
 */
export const keys = {
  jobs: {
    all: ['jobs'] as const,
    lists: ['jobs', 'list'] as const,
    list: (params: object) => ['jobs', 'list', params] as const,
    detail: (id: string) => ['jobs', 'detail', id] as const,
    events: (id: string) => ['jobs', 'events', id] as const,
    checkpoints: (id: string) => ['jobs', 'checkpoints', id] as const,
    estimate: (body: object) => ['jobs', 'estimate', body] as const,
  },
  benchmarks: {
    all: ['benchmarks'] as const,
    lists: ['benchmarks', 'list'] as const,
    list: (params: object) => ['benchmarks', 'list', params] as const,
    detail: (id: string) => ['benchmarks', 'detail', id] as const,
  },
  models: {
    all: ['models'] as const,
    list: ['models', 'list'] as const,
    detail: (id: string) => ['models', 'detail', id] as const,
  },
  /** Fine-tune file lists (the wizard's pickers) and a file's latest validation report. */
  files: { lists: ['files', 'list'] as const, list: (params: object) => ['files', 'list', params] as const, detail: (id: string) => ['files', id] as const, validation: (id: string) => ['files', id, 'validation'] as const },
  samples: ['samples'] as const,
  settings: ['settings'] as const,
  /** GET /v1/hone/system: GPUs, queue, disk, MLflow and Python health (kept fresh by the live stream). */
  system: ['system', 'status'] as const,
  /** POST /v1/hone/mlflow/start (where the MLflow UI is) and POST /v1/hone/session (its cookie), for Experiments. */
  /** GET /v1/hone/environment: the Python environment and its install / repair runs. */
  environment: ['environment'] as const,
  /** GET /v1/hone/packs: offline packs imported or importing. */
  packs: ['packs'] as const,
  mlflow: { ui: ['mlflow', 'ui'] as const, session: ['mlflow', 'session'] as const },
  /** GET /v1/hone/serving: the loaded inference workers (Overview, Playground). */
  serving: ['serving'] as const,
  /** A model's exports (GET /v1/models/{id}/exports) and one export (GET /v1/hone/exports/{id}, its events). */
  exports: {
    all: ['exports'] as const,
    list: (model: string) => ['exports', 'list', model] as const,
    detail: (id: string) => ['exports', 'detail', id] as const,
    events: (id: string) => ['exports', 'events', id] as const,
  },
  /** One dataset example loaded into the Playground (`?file=&line=`). */
  playgroundExample: (file: string, line: number) => ['files', file, 'playground-example', line] as const,
} as const;
