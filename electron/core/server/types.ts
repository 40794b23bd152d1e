import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/database.js';
import type { DataDir } from '../storage/data-dir.js';
import type { FileStore } from '../files/file-store.js';
import type { UploadStore } from '../uploads/upload-store.js';
import type { JobService } from '../jobs/job-service.js';
import type { ModelCatalog } from '../models/catalog.js';
import type { MlflowServer } from '../mlflow/mlflow-server.js';
import type { ExampleIndexes } from '../examples/example-index.js';
import type { ModelPreparer } from '../models/model-preparer.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { EnvironmentManager } from '../environment/manager.js';
import type { PackImporter } from '../packs/pack-importer.js';
import type { ServingManager } from '../serving/serving-manager.js';
import type { ExportService } from '../exports/export-service.js';

/** Fastify with zod schemas as the type provider: handlers get typed params, query and body. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Everything a route module may use; built once in `createCore`. */
export interface CoreContext {
  db: Db;
  dirs: DataDir;
  files: FileStore;
  uploads: UploadStore;
  jobs: JobService;
  catalog: ModelCatalog;
  /** null when MLflow is off. */
  mlflow: MlflowServer | null;
  limits: { maxFileBytes: number };
  /** Per-file example indexes for the editor's pages and derived files. */
  examples: ExampleIndexes;
  /** Built-in models prepared on demand (tokenizers for the editor and validation). */
  preparer: ModelPreparer;
  settings: SettingsStore;
  /** Offline packs imported from disk (models, benchmark datasets). */
  packs: PackImporter;
  /** The trainer's Python. */
  python: string;
  /** Inference workers behind /v1/chat/completions (electron/core/serving). */
  serving: ServingManager;
  /** Model exports: merged, GGUF, Ollama (electron/core/exports). */
  exports: ExportService;
  /** The Python environment: status, install / repair / verify runs (electron/core/environment). */
  environment: EnvironmentManager;
  /** Where the server listens (set by startServer after listen). */
  server: { url: string; host: string; port: number; team_mode: boolean };
  /** The API key in force; `rotate` is null when it cannot be rotated (HONE_API_KEY, auth off). */
  apiKey: { key: string | null; source: 'env' | 'file' | 'generated' | 'off'; rotate: (() => string) | null };
}

/** A route module: registers the routes of one resource. */
export type RouteModule = (app: App, ctx: CoreContext) => void | Promise<void>;
