/**
 * `GET/PATCH /v1/hone/settings` and `POST /v1/hone/api-key/rotate` (Hone extension): what the
 * settings screen shows and changes. Secrets are never returned (only whether they are set).
 */
import { execFile } from 'node:child_process';
import { statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { RotatedKey, Settings, SettingsPatch } from '../../../shared/schemas/settings.js';
import { honeVersion } from '../../paths.js';
import { ApiError } from '../errors.js';
import { gpuList } from './system.js';
import type { CoreContext, RouteModule } from '../types.js';

const run = promisify(execFile);
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };

type PythonInfo = Settings['python'];

const PROBE = `import json, sys, importlib.metadata as m
def v(n):
    try: return m.version(n)
    except Exception: return None
print(json.dumps({"python": sys.version.split()[0], "trainer": v("hone-trainer") or v("hone_trainer"), "torch": v("torch")}))`;

/**
 * Versions from the trainer's Python (package metadata only: no torch import), probed at most every
 * 30 s: an install or repair from Setup changes them while the server runs.
 */
const PROBE_TTL_MS = 30_000;
const probes = new WeakMap<CoreContext, { at: number; p: Promise<PythonInfo> }>();
function probePython(ctx: CoreContext): Promise<PythonInfo> {
  const cached = probes.get(ctx);
  if (cached && Date.now() - cached.at < PROBE_TTL_MS) return cached.p;
  const p = run(ctx.python, ['-c', PROBE], { timeout: 30_000 }).then(
    ({ stdout }) => {
      const v = JSON.parse(stdout) as { python: string; trainer: string | null; torch: string | null };
      return { path: ctx.python, ok: v.trainer !== null, python_version: v.python, trainer_version: v.trainer, torch_version: v.torch, error: v.trainer ? null : 'hone_trainer is not installed in this Python' };
    },
    (e: Error) => ({ path: ctx.python, ok: false, python_version: null, trainer_version: null, torch_version: null, error: e.message.split('\n')[0]! }),
  );
  probes.set(ctx, { at: Date.now(), p });
  return p;
}

let version: string | null = null;
function appVersion(): string {
  try {
    version ??= honeVersion();
  } catch {
    version = 'unknown';
  }
  return version;
}

/** `hone-AbC…xyz9`: enough to recognise a key, not to use it. */
const mask = (key: string) => (key.length <= 12 ? '…' : `${key.slice(0, 8)}…${key.slice(-4)}`);

async function settingsOf(ctx: CoreContext): Promise<Settings & { restart_required: boolean }> {
  const s = ctx.settings;
  let disk: { free_bytes: number | null; total_bytes: number | null } = { free_bytes: null, total_bytes: null };
  try {
    const st = await statfs(ctx.dirs.root);
    disk = { free_bytes: st.bavail * st.bsize, total_bytes: st.blocks * st.bsize };
  } catch {
    // Left null: not every filesystem answers statfs.
  }
  let mlflowEffective: string | null = null;
  if (ctx.mlflow) mlflowEffective = ctx.mlflow.currentUri();
  const hf = s.hfToken();
  const judgeKey = s.judgeApiKey();
  const key = ctx.apiKey;
  return {
    object: 'hone.settings',
    server: { ...ctx.server, version: appVersion() },
    api_key: { masked: key.key ? mask(key.key) : null, source: key.source, rotatable: key.rotate !== null },
    data_dir: { path: ctx.dirs.root, ...disk },
    python: await probePython(ctx),
    gpus: (({ mode, data }) => ({ mode, data }))(gpuList(ctx)),
    mlflow_uri: s.mlflowUri(),
    mlflow_effective_uri: mlflowEffective,
    hf_token: { set: hf.value !== null, source: hf.source },
    judge: { base_url: s.judgeBaseUrl(), model: s.judgeModel(), api_key_set: judgeKey.value !== null, api_key_source: judgeKey.source },
    benchmarks_by_default: s.benchmarksByDefault(),
    restart_required: s.restartRequired(),
  };
}

export const settingsRoutes: RouteModule = (app, ctx) => {
  const response = { 200: Settings, ...errors };
  app.get('/v1/hone/settings', { schema: { tags: ['hone'], summary: 'Hone settings and environment', response } }, async () => settingsOf(ctx));

  app.patch(
    '/v1/hone/settings',
    {
      schema: {
        tags: ['hone'],
        summary: 'Change Hone settings',
        description: '`null` clears a stored value. Environment variables still win over stored values. An MLflow change applies after a restart (`restart_required`).',
        body: SettingsPatch,
        response,
      },
    },
    async (req) => {
      ctx.settings.patch(req.body ?? {});
      return settingsOf(ctx);
    },
  );

  app.post(
    '/v1/hone/api-key/rotate',
    { schema: { tags: ['hone'], summary: 'Replace the API key (the old one stops working at once)', response: { 200: RotatedKey, ...errors } } },
    async () => {
      const { rotate, source } = ctx.apiKey;
      if (!rotate) {
        throw source === 'env'
          ? new ApiError(400, 'The API key comes from HONE_API_KEY; change the variable and restart Hone instead.', null, 'api_key_from_env')
          : new ApiError(400, 'Authentication is off (--no-auth); there is no key to rotate.', null, 'auth_disabled');
      }
      return { object: 'hone.api_key' as const, key: rotate() };
    },
  );
};
