import { z } from 'zod';
import { UnixTime } from './common.js';

/**
 * `POST /v1/hone/session` (Hone extension): a browser session for the MLflow UI at `/mlflow/`. The
 * session itself travels only in the HttpOnly `hone_session` cookie set by this answer (never in a
 * body or a URL); it ends at `expires_at`, when the API key rotates, or when the server restarts.
 */
export const HoneSession = z
  .object({
    object: z.literal('hone.session'),
    expires_at: UnixTime,
  })
  .meta({ id: 'HoneSession' });
export type HoneSession = z.infer<typeof HoneSession>;

/**
 * `POST /v1/hone/mlflow/start` (Hone extension): where the MLflow UI is, once it can be opened. The
 * local server is started (or found running) first; `ui_url` is then Hone's proxy path. A remote
 * tracking server is on another origin and cannot be framed: the app opens it in a new window.
 */
export const MlflowUi = z
  .object({
    object: z.literal('hone.mlflow'),
    /** ok: the local server answers behind Hone's proxy; remote: HONE_MLFLOW_URI; off: no tracking. */
    status: z.enum(['ok', 'remote', 'off']),
    /** '/mlflow/' (same origin as the app), the remote URI, or null when off. */
    ui_url: z.string().nullable(),
    /** true only for the local server behind the proxy. */
    embeddable: z.boolean(),
    /** Why it cannot be framed or is off, and how to change that (null when ok). */
    message: z.string().nullable(),
  })
  .meta({ id: 'MlflowUi' });
export type MlflowUi = z.infer<typeof MlflowUi>;
