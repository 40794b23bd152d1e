/**
 * The Hugging Face hub as Hone sees it: a short metadata check of a repo (HF_ENDPOINT, HF_TOKEN and
 * HF_HUB_OFFLINE honoured, as the trainer's huggingface_hub does) and the local HF cache layout
 * (`<cache>/models--org--name/{refs,snapshots,blobs}`) to tell whether a model is already here.
 * Downloads themselves are the trainer's (`models prepare`), so there is one downloader.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../server/errors.js';

/** `org/name`, as the hub spells repo ids. */
export const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
export const isHubId = (id: string): boolean => HUB_ID.test(id) && !id.includes('..');

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

export function hubEndpoint(env: NodeJS.ProcessEnv): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

export function hubOffline(env: NodeJS.ProcessEnv): boolean {
  return TRUTHY.has((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase());
}

/** Where huggingface_hub caches models (its own precedence of HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME). */
export function hubCacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  return join(home, 'hub');
}

const repoFolder = (hubId: string) => `models--${hubId.split('/').join('--')}`;

/** The repo's folder in the cache (its blobs grow while a download runs). */
export function hubRepoFolder(hubId: string, env: NodeJS.ProcessEnv): string {
  return join(hubCacheRoot(env), repoFolder(hubId));
}

/**
 * The snapshot directory of a completely downloaded model (config and weights present, no blob
 * still `.incomplete`), else null.
 */
export function cachedSnapshot(hubId: string, env: NodeJS.ProcessEnv): string | null {
  const repo = hubRepoFolder(hubId, env);
  try {
    const sha = readFileSync(join(repo, 'refs', 'main'), 'utf8').trim();
    const snap = join(repo, 'snapshots', sha);
    if (!existsSync(join(snap, 'config.json'))) return null;
    if (!readdirSync(snap).some((f) => /\.(safetensors|bin)$/.test(f) || f.endsWith('.index.json'))) return null;
    if (existsSync(join(repo, 'blobs')) && readdirSync(join(repo, 'blobs')).some((f) => f.endsWith('.incomplete'))) return null;
    return snap;
  } catch {
    return null;
  }
}

/** Hub ids of the complete models in the cache. */
export function cachedHubModels(env: NodeJS.ProcessEnv): string[] {
  const root = hubCacheRoot(env);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const m = /^models--([^-].*?)--(.+)$/.exec(name);
    if (!m) continue;
    const id = `${m[1]}/${m[2]!.replace(/--/g, '/')}`;
    if (isHubId(id) && cachedSnapshot(id, env)) out.push(id);
  }
  return out.sort();
}

export interface HubInfo {
  hub_id: string;
  sha: string | null;
  /** Bytes of what a download fetches (the trainer's HUB_ALLOW_PATTERNS), when the hub lists sizes. */
  download_bytes: number | null;
  parameters: number | null;
  gated: boolean;
  created: number | null;
}

// Mirrors HUB_ALLOW_PATTERNS in trainer/hone_trainer/models.py (weights, config, tokenizer, template).
const DOWNLOADED = /\.(json|safetensors|model|txt|jinja|tiktoken)$/;

/** The readable error for a hub that does not answer (the one the Models view shows). */
export function hubUnreachable(modelsDir: string, hubId: string, endpoint: string, why: string): ApiError {
  return new ApiError(
    503,
    `The Hugging Face hub cannot be reached from this machine (${endpoint}: ${why}); copy the model into ${join(modelsDir, hubId)} or set HF_ENDPOINT to a mirror.`,
    'model',
    'hub_unreachable',
  );
}

/**
 * Asks the hub about `hubId` within `timeoutMs`. Throws readable envelopes: 404 model_not_found
 * (no such repo), 403 model_gated, 503 hub_unreachable (the hub did not answer); 400 hub_offline when this
 * machine is set to stay off the hub (HF_HUB_OFFLINE): its own configuration, not a server failure.
 */
export async function checkHub(hubId: string, env: NodeJS.ProcessEnv, modelsDir: string, timeoutMs = 5_000): Promise<HubInfo> {
  const endpoint = hubEndpoint(env);
  if (hubOffline(env)) {
    throw new ApiError(400, `'${hubId}' is not downloaded and the Hugging Face hub is switched off here (HF_HUB_OFFLINE=${env.HF_HUB_OFFLINE}); copy the model into ${join(modelsDir, hubId)} or unset HF_HUB_OFFLINE.`, 'model', 'hub_offline');
  }
  let res: Response;
  try {
    res = await fetch(`${endpoint}/api/models/${hubId}?blobs=true`, {
      headers: env.HF_TOKEN ? { authorization: `Bearer ${env.HF_TOKEN}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw hubUnreachable(modelsDir, hubId, endpoint, why);
  }
  const code = res.headers.get('x-error-code');
  if (res.status === 401 && code !== 'RepoNotFound' && env.HF_TOKEN) {
    throw new ApiError(403, `The Hugging Face hub refused the token set in Settings for '${hubId}'; check the token.`, 'model', 'hub_token_refused');
  }
  if (code === 'GatedRepo' || res.status === 403) {
    throw new ApiError(403, `'${hubId}' is gated on the Hugging Face hub: accept its licence on its hub page and set a Hugging Face token in Settings.`, 'model', 'model_gated');
  }
  if (code === 'RepoNotFound' || res.status === 404 || res.status === 401) {
    throw new ApiError(404, `The model '${hubId}' does not exist on the Hugging Face hub (${endpoint})${env.HF_TOKEN ? '' : ', or it is private: set a Hugging Face token in Settings'}.`, 'model', 'model_not_found');
  }
  if (!res.ok) throw hubUnreachable(modelsDir, hubId, endpoint, `it answered HTTP ${res.status}`);
  const body = (await res.json().catch(() => ({}))) as {
    sha?: string;
    gated?: boolean | string;
    createdAt?: string;
    siblings?: Array<{ rfilename: string; size?: number }>;
    safetensors?: { total?: number };
  };
  const sizes = (body.siblings ?? []).filter((s) => DOWNLOADED.test(s.rfilename) && typeof s.size === 'number');
  const created = body.createdAt ? Math.floor(Date.parse(body.createdAt) / 1000) : NaN;
  return {
    hub_id: hubId,
    sha: body.sha ?? null,
    download_bytes: sizes.length ? sizes.reduce((a, s) => a + s.size!, 0) : null,
    parameters: body.safetensors?.total ?? null,
    gated: Boolean(body.gated),
    created: Number.isFinite(created) ? created : null,
  };
}
