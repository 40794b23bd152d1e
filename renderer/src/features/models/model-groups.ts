/** Pure helpers of the Models view: grouping, filtering, and how a model's numbers read. */
import type { Model } from '@shared/schemas/jobs.js';

export type Kind = Model['kind'];
export type KindFilter = Kind | 'all';

export const GROUPS: Array<{ kind: Kind; title: string; blurb: string }> = [
  { kind: 'builtin', title: 'Built-in', blurb: 'Models Hone builds on this machine, no download needed. Prepare one to build it now; a job also prepares it on first use.' },
  { kind: 'hub', title: 'Hugging Face', blurb: 'Models from the Hugging Face hub: known names and any you add. Download one now, or let the first job that uses it download it.' },
  { kind: 'local', title: 'In the models folder', blurb: 'Model directories (with a config.json) copied into Hone’s models folder by hand.' },
  { kind: 'fine-tuned', title: 'Fine-tuned', blurb: 'Made by your fine-tuning jobs: benchmark them against their base, or delete them to free the disk.' },
];

/** The models of each kind that pass the filter, in the server's order. */
export function groupModels(models: Model[], filter: { kind: KindFilter; q: string }): Record<Kind, Model[]> {
  const q = filter.q.trim().toLowerCase();
  const out: Record<Kind, Model[]> = { builtin: [], hub: [], local: [], 'fine-tuned': [] };
  for (const m of models) {
    if (filter.kind !== 'all' && m.kind !== filter.kind) continue;
    if (q && ![m.id, m.base_model ?? '', m.description ?? '', m.job_id ?? ''].some((s) => s.toLowerCase().includes(q))) continue;
    out[m.kind].push(m);
  }
  return out;
}

/** 407,680 → "408 K", 134,515,008 → "135 M", 8,030,261,248 → "8.0 B". */
export function formatParameters(n: number | null | undefined): string {
  if (!n) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e11 ? 0 : 1)} B`;
  if (n >= 1e6) return `${Math.round(n / 1e6)} M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} K`;
  return String(n);
}

export const isBusy = (m: Pick<Model, 'status'>): boolean => m.status === 'preparing' || m.status === 'downloading';

/** 0..1 for the progress bar; null while the total is unknown. */
export function progressValue(m: Pick<Model, 'progress'>): number | null {
  const p = m.progress;
  if (!p || !p.bytes_total) return null;
  return p.bytes_done / p.bytes_total;
}

const STATUS: Record<NonNullable<Model['status']>, { text: string; tone: string }> = {
  ready: { text: 'Ready', tone: 'ok' },
  not_prepared: { text: 'Not prepared', tone: '' },
  not_downloaded: { text: 'Not downloaded', tone: '' },
  preparing: { text: 'Preparing…', tone: 'info' },
  downloading: { text: 'Downloading…', tone: 'info' },
  failed: { text: 'Failed', tone: 'error' },
};
export const statusOf = (m: Pick<Model, 'status'>) => STATUS[m.status ?? 'ready'];

/** What the size column means for this model (on disk, or what it will take). */
export function sizeNote(m: Pick<Model, 'status' | 'kind'>): string | null {
  if (m.status === 'not_downloaded') return 'download';
  if (m.status === 'not_prepared') return 'once prepared';
  if (m.kind === 'fine-tuned') return 'adapter';
  return null;
}

/** Why `text` cannot be a Hugging Face id, or null when it looks like one. */
export function hubIdProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return 'Type a Hugging Face model id, e.g. Qwen/Qwen2.5-0.5B-Instruct.';
  if (/^https?:\/\//.test(t)) return 'Type the id only (org/name), not the page’s address.';
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(t) || t.includes('..')) return 'A Hugging Face id looks like org/name, e.g. Qwen/Qwen2.5-0.5B-Instruct.';
  return null;
}

/** The id from a hub URL or an id with spaces around it (people paste both). */
export function normaliseHubInput(text: string): string {
  const t = text.trim();
  const m = /^https?:\/\/(?:www\.)?huggingface\.co\/([^/?#]+\/[^/?#]+)/.exec(t);
  return m ? m[1]! : t;
}
