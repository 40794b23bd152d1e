/**
 * Every model the Models API shows, with the extras the Models view and the job wizard need:
 * built-ins and aliases from the trainer's catalog, models copied into the models dir, models in
 * the HF cache (or downloading), and fine-tuned models from the jobs table. Facts about files come
 * from disk (size, parameters); what is being prepared from the ModelPreparer.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../../shared/schemas/jobs.js';
import type { CatalogEntry } from './catalog.js';
import type { CoreContext } from '../server/types.js';
import { describeDir } from './disk.js';
import { cachedHubModels, cachedSnapshot, checkHub, isHubId, type HubInfo } from './hub.js';
import type { Activity } from './model-preparer.js';
import { ApiError } from '../server/errors.js';

/** The trainer's `models list --json` entry (catalog.ts types the fields every caller needs). */
type TrainerEntry = CatalogEntry & {
  available?: boolean;
  parameters?: number | null;
  expected_bytes?: number | null;
  requirements?: string | null;
  unavailable_reason?: string | null;
  gated?: boolean;
};

const GB = 1e9;
const gb = (bytes: number) => `${bytes < 10 * GB ? (bytes / GB).toFixed(1) : Math.round(bytes / GB)} GB`;

const GATED = 'Gated: accept its licence on the hub and set a Hugging Face token in Settings.';

/** What training a model of `parameters` needs, for people (rough: weights, adapters, activations). */
export function requirementsFor(parameters: number | null, gated = false): string | null {
  if (!parameters) return gated ? GATED : null;
  const lora = parameters * 2 * 1.3 + GB; // bf16 weights + LoRA state and activations
  const qlora = parameters * 0.7 * 1.3 + GB; // 4-bit weights
  const full = parameters * 16; // weights, grads and Adam state
  const where = parameters < 300e6 ? `The CPU is enough (slow); a GPU with ${gb(lora)} is faster.` : `A GPU with about ${gb(lora)} for LoRA, ${gb(qlora)} for QLoRA (full fine-tuning: about ${gb(full)}).`;
  return gated ? `${where} ${GATED}` : where;
}

export const notBaseReason = (base: string) =>
  `A fine-tuned model cannot be the base of a new job yet; fine-tune ${base} with the combined data instead.`;

const now = () => Math.floor(Date.now() / 1000);
const mtime = (p: string) => Math.floor(statSync(p).mtimeMs / 1000);

/** Overlays what the preparer does or did on a model's disk status. */
function withActivity(m: Model, a: Activity | null): Model {
  if (!a || (a.status === 'ready' && m.status === 'ready')) return m;
  if (a.status === 'ready') {
    const d = a.path ? describeDir(a.path) : null;
    return { ...m, status: 'ready', path: a.path ?? m.path, size_bytes: d?.bytes ?? m.size_bytes, parameters: d?.parameters ?? m.parameters, progress: null, error: null };
  }
  return { ...m, status: a.status, progress: a.progress, error: a.error };
}

function baseModel(p: Omit<Model, 'object' | 'can_be_base' | 'not_base_reason' | 'job_id' | 'progress' | 'error'> & Partial<Model>): Model {
  return { object: 'model', job_id: null, progress: null, error: null, can_be_base: true, not_base_reason: null, ...p };
}

export class ModelListing {
  /** Hub checks of ids not here yet, kept briefly so a form's repeated asks do not hit the hub each time. */
  private readonly checks = new Map<string, { at: number; info: HubInfo }>();

  constructor(private readonly ctx: CoreContext) {}

  private get env() {
    return this.ctx.preparer.env();
  }

  private hubModel(id: string, hubId: string, e: Partial<TrainerEntry> = {}, info?: HubInfo): Model {
    const env = this.env;
    const copy = [join(this.ctx.dirs.modelsDir, hubId), join(this.ctx.dirs.modelsDir, id)].find((p) => existsSync(join(p, 'config.json')));
    const path = copy ?? cachedSnapshot(hubId, env);
    const d = path ? describeDir(path) : null;
    const parameters = d?.parameters ?? info?.parameters ?? e.parameters ?? null;
    const gated = e.gated ?? info?.gated ?? false;
    const m = baseModel({
      id,
      created: path ? mtime(path) : (info?.created ?? now()),
      owned_by: hubId.split('/')[0]!,
      kind: 'hub',
      base_model: hubId === id ? null : hubId,
      path,
      // Not downloaded: the hub id says what it is (the view's group text says how it gets here).
      description: path ? (copy ? `Copied into the models dir (${copy})` : 'Downloaded from the Hugging Face hub') : null,
      size_bytes: d?.bytes ?? info?.download_bytes ?? null,
      parameters,
      requirements: requirementsFor(parameters, gated),
      status: path ? 'ready' : 'not_downloaded',
    });
    return withActivity(m, this.ctx.preparer.activity(id));
  }

  private builtin(e: TrainerEntry): Model {
    const dir = join(this.ctx.dirs.modelsDir, e.id);
    const ready = existsSync(join(dir, '.hone-complete'));
    const d = ready ? describeDir(dir) : null;
    const m = baseModel({
      id: e.id,
      created: ready ? mtime(dir) : now(),
      owned_by: 'hone',
      kind: 'builtin',
      base_model: null,
      path: ready ? dir : null,
      description: e.description,
      size_bytes: d?.bytes ?? e.expected_bytes ?? null,
      parameters: d?.parameters ?? e.parameters ?? null,
      requirements: e.requirements ?? requirementsFor(e.parameters ?? null),
      status: ready ? 'ready' : 'not_prepared',
      can_be_base: e.available !== false,
      not_base_reason: e.available === false ? (e.unavailable_reason ?? `${e.id} is not available on this machine.`) : null,
    });
    return withActivity(m, this.ctx.preparer.activity(e.id));
  }

  /** Models copied into the models dir: `<name>/config.json`, or `<org>/<name>/config.json`. */
  private local(skip: Set<string>): Model[] {
    const root = this.ctx.dirs.modelsDir;
    if (!existsSync(root)) return [];
    const found: string[] = [];
    for (const name of readdirSync(root)) {
      if (name.startsWith('.') || !statSync(join(root, name)).isDirectory()) continue;
      if (existsSync(join(root, name, 'config.json'))) found.push(name);
      else for (const sub of readdirSync(join(root, name))) if (existsSync(join(root, name, sub, 'config.json'))) found.push(`${name}/${sub}`);
    }
    return found
      .filter((id) => !skip.has(id))
      .map((id) => {
        const path = join(root, id);
        const d = describeDir(path);
        return baseModel({
          id,
          created: mtime(path),
          owned_by: 'local',
          kind: 'local',
          base_model: null,
          path,
          description: `Copied into the models dir (${path})`,
          size_bytes: d?.bytes ?? null,
          parameters: d?.parameters ?? null,
          requirements: requirementsFor(d?.parameters ?? null),
          status: 'ready',
        });
      });
  }

  private fineTuned(params: number | null | ((base: string) => number | null)): Model[] {
    const rows = this.ctx.db
      .prepare(`SELECT id, fine_tuned_model, model, finished_at, output_path FROM jobs WHERE status = 'succeeded' AND fine_tuned_model IS NOT NULL AND output_path IS NOT NULL ORDER BY seq DESC`)
      .all() as Array<{ id: string; fine_tuned_model: string; model: string; finished_at: number; output_path: string }>;
    return rows.map((r) => {
      const d = describeDir(r.output_path);
      const adapter = existsSync(join(r.output_path, 'adapter_config.json'));
      return {
        id: r.fine_tuned_model,
        object: 'model' as const,
        created: r.finished_at,
        owned_by: 'hone',
        kind: 'fine-tuned' as const,
        base_model: r.model,
        path: r.output_path,
        description: `Fine-tuned from ${r.model} by job ${r.id}${adapter ? ' (LoRA adapter)' : ''}`,
        size_bytes: d?.bytes ?? null,
        parameters: typeof params === 'function' ? params(r.model) : params,
        requirements: null,
        status: 'ready' as const,
        progress: null,
        error: null,
        job_id: r.id,
        can_be_base: false,
        not_base_reason: notBaseReason(r.model),
      };
    });
  }

  /** Every model: base models first (built-in, hub, local), then fine-tuned, newest first. */
  async list(): Promise<Model[]> {
    const entries = (await this.ctx.catalog.entries()) as TrainerEntry[];
    const out: Model[] = [];
    const seen = new Set<string>();
    for (const e of entries) {
      seen.add(e.id);
      if (e.kind === 'builtin') out.push(this.builtin(e));
      else {
        if (e.hub_id) seen.add(e.hub_id);
        out.push(this.hubModel(e.id, e.hub_id ?? e.id, e));
      }
    }
    const local = this.local(seen);
    for (const m of local) seen.add(m.id);
    // Hub models downloaded (any time, into the HF cache) or downloading/failed in this session.
    for (const id of [...cachedHubModels(this.env), ...this.ctx.preparer.hubActivity()]) {
      if (seen.has(id) || !isHubId(id)) continue;
      seen.add(id);
      out.push(this.hubModel(id, id, {}, this.checks.get(id)?.info));
    }
    out.push(...local);
    const paramsOf = new Map(out.map((m) => [m.id, m.parameters ?? null]));
    out.push(...this.fineTuned((base) => paramsOf.get(base) ?? null));
    return out;
  }

  /**
   * One model. A Hugging Face id that is not here yet is looked up on the hub (short timeout):
   * it answers `not_downloaded`, or throws a readable envelope (404, 403, 503), never a 500.
   */
  async get(id: string): Promise<Model | null> {
    const known = (await this.list()).find((m) => m.id === id);
    if (known) return known;
    if (!isHubId(id)) return null;
    return this.hubModel(id, id, {}, await this.check(id));
  }

  /** The hub's answer for `hubId`, cached for a minute (errors are not cached). */
  async check(hubId: string): Promise<HubInfo> {
    const hit = this.checks.get(hubId);
    if (hit && Date.now() - hit.at < 60_000) return hit.info;
    const info = await checkHub(hubId, this.env, this.ctx.dirs.modelsDir);
    this.checks.set(hubId, { at: Date.now(), info });
    return info;
  }
}

/** `POST /v1/models/{model}/prepare`: starts building or downloading a model unless it is ready or under way. */
export async function prepareModel(listing: ModelListing, ctx: CoreContext, id: string): Promise<{ model: Model; started: boolean }> {
  const m = await listing.get(id);
  if (!m) throw new ModelNotFound(id);
  if (m.status === 'ready' || m.status === 'preparing' || m.status === 'downloading' || m.kind === 'local' || m.kind === 'fine-tuned') return { model: m, started: false };
  const quiet = () => undefined; // the failure is kept by the preparer and shown on the model
  if (m.kind === 'builtin') {
    if (m.can_be_base === false) throw new ApiError(400, m.not_base_reason ?? `${id} cannot be prepared here.`, 'model', 'model_unavailable');
    ctx.preparer.prepare(id, 'builtin', m.size_bytes ?? null).catch(quiet);
  } else {
    const hubId = m.base_model ?? m.id;
    let info: HubInfo;
    try {
      info = await listing.check(hubId);
    } catch (e) {
      if (e instanceof ApiError) ctx.preparer.fail(id, 'hub', e.message, e.code ?? 'hub_unreachable');
      throw e;
    }
    ctx.preparer.prepare(id, 'hub', info.download_bytes).catch(quiet);
  }
  return { model: (await listing.get(id)) ?? m, started: true };
}

export class ModelNotFound extends ApiError {
  constructor(id: string) {
    super(404, `The model '${id}' does not exist. Built-ins, aliases, models in the models dir, Hugging Face ids (org/name) and fine-tuned models are listed by GET /v1/models.`, 'model', 'model_not_found');
  }
}
