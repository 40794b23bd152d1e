/**
 * Which weights a model id of /v1/models means for serving: a base model's directory, or an `ft:`
 * model's base plus its job's LoRA adapter (a full fine-tune is a base of its own).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../server/errors.js';
import { ModelListing, ModelNotFound } from '../models/model-listing.js';
import type { CoreContext } from '../server/types.js';

export interface ServeTarget {
  /** The id the client asked for (echoed as `model`). */
  model: string;
  /** One worker per base: its key and the weights it loads. */
  base: string;
  basePath: string;
  adapter: { name: string; path: string; rank: number | null } | null;
}

function adapterRank(dir: string): number | null {
  try {
    const r = (JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8')) as { r?: number }).r;
    return typeof r === 'number' ? r : null;
  } catch {
    return null;
  }
}

export async function resolveServeTarget(ctx: CoreContext, id: string, param = 'model'): Promise<ServeTarget> {
  const listing = new ModelListing(ctx);
  const m = await listing.get(id);
  if (!m) throw new ApiError(404, new ModelNotFound(id).message, param, 'model_not_found');
  const notReady = (what: string) =>
    new ApiError(400, `The model '${what}' is not on this machine yet (status ${m.status}); prepare it with POST /v1/models/${what}/prepare, then ask again.`, param, 'model_not_ready');
  if (m.kind === 'fine-tuned') {
    if (!m.path || !existsSync(m.path)) throw new ApiError(404, `The weights of '${id}' were deleted.`, param, 'model_not_found');
    if (!existsSync(join(m.path, 'adapter_config.json'))) return { model: id, base: id, basePath: m.path, adapter: null };
    const base = await listing.get(m.base_model ?? '');
    if (!base?.path || base.status !== 'ready') throw notReady(m.base_model ?? '?');
    return { model: id, base: base.id, basePath: base.path, adapter: { name: id, path: m.path, rank: adapterRank(m.path) } };
  }
  if (!m.path || m.status !== 'ready') throw notReady(id);
  return { model: id, base: id, basePath: m.path, adapter: null };
}
