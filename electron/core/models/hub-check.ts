import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * What Hone can know about a Hugging Face hub id before a job is accepted, the way the trainer
 * gets it (`huggingface_hub.snapshot_download` into the HF cache, trainer/hone_trainer/models.py):
 * from the local cache, from HF_HUB_OFFLINE, and from one short request to the hub.
 */

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

export function hubOffline(env: NodeJS.ProcessEnv): boolean {
  return TRUTHY.has((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase());
}

/** huggingface_hub's cache folder: HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
export function hubCacheDir(env: NodeJS.ProcessEnv): string {
  const explicit = env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE;
  if (explicit) return explicit;
  const home = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'huggingface');
  return join(home, 'hub');
}

/**
 * Whether the cache holds a snapshot of the repo's main revision with config.json and weights
 * (what an offline run can use; an estimate alone fetches only config and tokenizer).
 */
export function cachedOnHub(id: string, env: NodeJS.ProcessEnv): boolean {
  const repo = join(hubCacheDir(env), `models--${id.replace(/\//g, '--')}`);
  try {
    const snapshot = join(repo, 'snapshots', readFileSync(join(repo, 'refs', 'main'), 'utf8').trim());
    return existsSync(join(snapshot, 'config.json')) && readdirSync(snapshot).some((f) => f.endsWith('.safetensors'));
  } catch {
    return false;
  }
}

function hubToken(env: NodeJS.ProcessEnv): string | null {
  if (env.HF_TOKEN) return env.HF_TOKEN;
  const file = env.HF_TOKEN_PATH ?? join(env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'huggingface'), 'token');
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export type HubAnswer = 'exists' | 'missing' | 'no_config' | 'gated' | 'unreachable' | 'unknown';

const answers = new Map<string, { answer: HubAnswer; at: number }>();

/**
 * Asks the hub for the repo's config.json (HEAD, as huggingface_hub does), with the token the
 * trainer would use. 'unknown' (a slow hub, an odd answer) means "still has to be looked up":
 * the caller accepts the id. Cached: 10 min for a yes, 30 s otherwise.
 */
export async function lookUpOnHub(id: string, env: NodeJS.ProcessEnv, timeoutMs = 3_000): Promise<HubAnswer> {
  const endpoint = (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const token = hubToken(env);
  const key = `${endpoint} ${id} ${token ? 'auth' : 'anon'}`;
  const hit = answers.get(key);
  if (hit && Date.now() - hit.at < (hit.answer === 'exists' ? 600_000 : 30_000)) return hit.answer;
  let answer: HubAnswer;
  try {
    const res = await fetch(`${endpoint}/${id}/resolve/main/config.json`, {
      method: 'HEAD',
      redirect: 'manual',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    const code = res.headers.get('x-error-code');
    if (res.status < 400) answer = 'exists';
    else if (code === 'RepoNotFound') answer = 'missing';
    else if (code === 'EntryNotFound') answer = 'no_config';
    else if (code === 'GatedRepo') answer = 'gated';
    else if (res.status === 404) answer = 'missing';
    else answer = 'unknown';
  } catch (err) {
    // A timeout is a slow hub, not a missing model; a refused connection or no DNS is no hub at all.
    answer = (err as Error).name === 'TimeoutError' ? 'unknown' : 'unreachable';
  }
  answers.set(key, { answer, at: Date.now() });
  return answer;
}
