/**
 * `GET /v1/hone/settings` and `PATCH /v1/hone/settings` (Hone extension). Environment variables
 * override stored settings; each value says where it came from so the UI can say so.
 */
import { z } from 'zod';
import { Gpu } from './jobs.js';

export const SettingSource = z.enum(['env', 'settings', 'default']);
export type SettingSource = z.infer<typeof SettingSource>;

const sourced = <T extends z.ZodType>(t: T) => z.object({ value: t, source: SettingSource, env_var: z.string().nullable() });

export const Settings = z
  .object({
    object: z.literal('hone.settings'),
    server: z.object({ url: z.string(), host: z.string(), port: z.number().int(), team_mode: z.boolean(), version: z.string() }),
    api_key: z.object({
      /** e.g. `hone-AbC…xyz9`; the full key is never returned here. */
      masked: z.string().nullable(),
      source: z.enum(['env', 'file', 'generated', 'off']),
      /** False when HONE_API_KEY sets it (rotate the variable instead) or auth is off. */
      rotatable: z.boolean(),
    }),
    data_dir: z.object({ path: z.string(), free_bytes: z.number().nullable(), total_bytes: z.number().nullable() }),
    python: z.object({
      path: z.string(),
      ok: z.boolean(),
      python_version: z.string().nullable(),
      trainer_version: z.string().nullable(),
      torch_version: z.string().nullable(),
      error: z.string().nullable(),
    }),
    gpus: z.object({ mode: z.enum(['gpu', 'cpu']), data: z.array(Gpu) }),
    mlflow_uri: sourced(z.string()),
    /** The effective tracking server (a started local one, or the remote URI); null when off or not started. */
    mlflow_effective_uri: z.string().nullable(),
    hf_token: z.object({ set: z.boolean(), source: SettingSource }),
    judge: z.object({
      base_url: sourced(z.string().nullable()),
      model: sourced(z.string().nullable()),
      api_key_set: z.boolean(),
      api_key_source: SettingSource,
    }),
    benchmarks_by_default: sourced(z.boolean()),
    /** A stored change (MLflow) that applies only after Hone restarts. */
    restart_required: z.boolean().optional(),
  })
  .meta({ id: 'HoneSettings' });
export type Settings = z.infer<typeof Settings>;

/** Every field optional; `null` clears a stored value (back to the default). Secrets are write-only. */
export const SettingsPatch = z
  .object({
    mlflow_uri: z
      // Zod reports the URL branch when nothing matches, so the message goes there.
      .union([z.literal('local'), z.literal('off'), z.url({ protocol: /^https?$/, error: "use 'local' (Hone runs its own server), 'off', or the http(s) URL of an MLflow server" })])
      .nullable()
      .optional(),
    hf_token: z.string().min(1).max(512).nullable().optional(),
    judge_base_url: z.url({ protocol: /^https?$/ }).nullable().optional(),
    judge_model: z.string().min(1).max(256).nullable().optional(),
    judge_api_key: z.string().min(1).max(512).nullable().optional(),
    benchmarks_by_default: z.boolean().nullable().optional(),
  })
  .strict()
  .meta({ id: 'HoneSettingsPatch' });
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** `POST /v1/hone/api-key/rotate`: the only answer that carries a full key (the new one). */
export const RotatedKey = z.object({ object: z.literal('hone.api_key'), key: z.string() }).meta({ id: 'RotatedApiKey' });
