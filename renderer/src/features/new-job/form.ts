/**
 * The wizard's form as plain data: what the user typed (strings, so half-typed numbers survive),
 * the request body it stands for (the exact `CreateJobBody` that submit, the estimate and "Copy as
 * code" share), the client-side check that mirrors the server's zod schema, and where a server
 * error's `param` lands on the form.
 */
import { CreateJobBody } from '@shared/schemas/jobs.js';

export type MethodType = 'supervised' | 'dpo';
export type Adapter = 'lora' | 'qlora' | 'full';

/** A hyperparameter that is `auto` (the trainer decides) or a typed value. */
export interface AutoValue {
  auto: boolean;
  value: string;
}

export const AUTO_HPS = ['n_epochs', 'batch_size', 'learning_rate_multiplier', 'warmup_ratio', 'gradient_accumulation_steps', 'beta'] as const;
export type AutoHp = (typeof AUTO_HPS)[number];
/** The ones OpenAI's API spells as `"auto"`; the others (Hone extras) are simply left out when auto. */
const OPENAI_AUTO: ReadonlySet<AutoHp> = new Set(['n_epochs', 'batch_size', 'learning_rate_multiplier', 'beta']);

export interface FormState {
  /** A model from the list, or the Hugging Face id typed in `hubId` when `modelSource` is 'hub'. */
  model: string;
  modelSource: 'list' | 'hub';
  hubId: string;
  trainingFile: string;
  validationFile: string;
  method: MethodType;
  adapter: Adapter;
  lora_r: string;
  lora_alpha: string;
  lora_dropout: string;
  max_seq_length: string;
  hp: Record<AutoHp, AutoValue>;
  /** '' = the server's default (1 GPU where there are GPUs, else the CPU). */
  gpus: string;
  priority: string;
  suffix: string;
  seed: string;
  /** null = the server's default (Settings → benchmarks after jobs). */
  benchmarks: boolean | null;
  suites: { lm_eval: boolean; needle: boolean };
}

export const initialForm = (): FormState => ({
  model: '',
  modelSource: 'list',
  hubId: '',
  trainingFile: '',
  validationFile: '',
  method: 'supervised',
  adapter: 'lora',
  lora_r: '',
  lora_alpha: '',
  lora_dropout: '',
  max_seq_length: '',
  hp: Object.fromEntries(AUTO_HPS.map((k) => [k, { auto: true, value: '' }])) as Record<AutoHp, AutoValue>,
  gpus: '',
  priority: '',
  suffix: '',
  seed: '',
  benchmarks: null,
  suites: { lm_eval: true, needle: true },
});

/** '' → left out; anything else a number (NaN for junk, which the schema then names). */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s.trim()));

export const chosenModel = (f: FormState): string => (f.modelSource === 'hub' ? f.hubId.trim() : f.model);

/** The request body, in the order a person would read it; unset values are left out. */
export function toBody(f: FormState): CreateJobBody {
  const hp: Record<string, unknown> = {};
  for (const k of AUTO_HPS) {
    if (k === 'beta' && f.method !== 'dpo') continue;
    const v = f.hp[k];
    if (v.auto) {
      if (OPENAI_AUTO.has(k)) hp[k] = 'auto';
    } else hp[k] = num(v.value) ?? Number.NaN;
  }
  const set = (k: string, v: number | undefined) => v !== undefined && (hp[k] = v);
  set('max_seq_length', num(f.max_seq_length));
  if (f.adapter === 'full') hp.full_finetune = true;
  else {
    set('lora_r', num(f.lora_r));
    set('lora_alpha', num(f.lora_alpha));
    set('lora_dropout', num(f.lora_dropout));
    if (f.adapter === 'qlora') hp.qlora = true;
  }

  const body: Record<string, unknown> = { model: chosenModel(f), training_file: f.trainingFile };
  if (f.validationFile) body.validation_file = f.validationFile;
  body.method = { type: f.method, [f.method]: { hyperparameters: hp } };
  if (f.suffix.trim()) body.suffix = f.suffix.trim();
  const seed = num(f.seed);
  if (seed !== undefined) body.seed = seed;

  const hone: Record<string, unknown> = {};
  const gpus = num(f.gpus);
  if (gpus !== undefined) hone.gpus = gpus;
  const priority = num(f.priority);
  if (priority !== undefined) hone.priority = priority;
  const bench = benchmarksSetting(f);
  if (bench !== undefined) hone.benchmarks = bench;
  if (Object.keys(hone).length) body.hone = hone;
  return body as CreateJobBody;
}

/** `hone.benchmarks`: false (off), true (every suite) or the suites turned off; undefined = server default. */
export function benchmarksSetting(f: FormState): boolean | Record<string, boolean> | undefined {
  if (f.benchmarks === null) return undefined;
  if (!f.benchmarks) return false;
  if (f.suites.lm_eval && f.suites.needle) return true;
  const off: Record<string, boolean> = {};
  if (!f.suites.lm_eval) off.lm_eval = false;
  if (!f.suites.needle) off.needle = false;
  return off;
}

/** Form fields an error can point at (a server `param` or a schema issue path, normalised). */
export type FieldKey =
  | 'model'
  | 'training_file'
  | 'validation_file'
  | 'method'
  | 'suffix'
  | 'seed'
  | 'hone.gpus'
  | 'hone.priority'
  | 'hone.benchmarks'
  | `hyperparameters.${string}`;

const TOP: ReadonlySet<string> = new Set(['model', 'training_file', 'validation_file', 'suffix', 'seed', 'hone.gpus', 'hone.priority', 'hone.benchmarks']);

/**
 * The field a server `param` (or a zod issue path joined with dots) is about, or null for a
 * form-level error. Hyperparameters may arrive at the top level (`hyperparameters.n_epochs`) or
 * inside the method (`method.dpo.hyperparameters.beta`); both land on the same input.
 */
export function fieldOf(param: string | null | undefined): FieldKey | null {
  if (!param) return null;
  const p = param.replace(/\[(\d+)\]/g, '.$1');
  const hp = /^(?:method\.(?:supervised|dpo)\.)?hyperparameters\.([a-z_]+)/.exec(p);
  if (hp) return `hyperparameters.${hp[1]!}`;
  if (p === 'method' || p.startsWith('method.')) return 'method';
  if (TOP.has(p)) return p as FieldKey;
  const top = /^(hone\.[a-z_]+)/.exec(p)?.[1] ?? p.split('.')[0]!;
  return TOP.has(top) ? (top as FieldKey) : null;
}

export interface FormErrors {
  fields: Partial<Record<FieldKey, string>>;
  /** Errors no field owns. */
  form: string[];
}

const LABELS: Record<string, string> = {
  model: 'Choose a base model.',
  training_file: 'Choose a training file.',
};

/**
 * The same check the server runs (CreateJobBody) before anything is sent, with readable words for
 * the two things a new form lacks. Empty = valid.
 */
export function checkForm(f: FormState): FormErrors {
  const out: FormErrors = { fields: {}, form: [] };
  const body = toBody(f);
  if (!body.model) out.fields.model = f.modelSource === 'hub' ? 'Type a Hugging Face model id, e.g. HuggingFaceTB/SmolLM2-135M-Instruct.' : LABELS.model;
  if (!body.training_file) out.fields.training_file = LABELS.training_file;
  if (f.validationFile && f.validationFile === f.trainingFile) out.fields.validation_file = 'Choose a different file than the training file (or none).';
  if (f.benchmarks && !f.suites.lm_eval && !f.suites.needle) out.fields['hone.benchmarks'] = 'Pick at least one suite, or turn benchmarks off.';
  const parsed = CreateJobBody.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      const key = fieldOf(path);
      const msg = readable(issue);
      if (key) out.fields[key] ??= msg;
      else out.form.push(`${path || 'request'}: ${msg}`);
    }
  }
  return out;
}

interface Issue {
  code: string;
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  expected?: unknown;
  received?: unknown;
  errors?: Issue[][];
  origin?: string;
}

/** A schema issue in words a form shows ("At most 50."), not zod's ("Too big: expected number to be <=50"). */
export function readable(issue: Issue): string {
  // `"auto" | number`: the number branch (the last) says what is wrong with the number.
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const inner = issue.errors.at(-1)?.[0];
    if (inner) return readable(inner);
  }
  if (issue.code === 'invalid_type') {
    if (issue.expected === 'int') return 'Enter a whole number.';
    if (issue.expected === 'number') return 'Enter a number.';
  }
  if (issue.origin === 'string' && (issue.code === 'too_big' || issue.code === 'too_small')) return issue.code === 'too_big' ? `At most ${String(issue.maximum)} characters.` : `At least ${String(issue.minimum)} character${issue.minimum === 1 ? '' : 's'}.`;
  if (issue.code === 'too_big' && typeof issue.maximum === 'number') return issue.inclusive === false ? `Must be less than ${issue.maximum}.` : `At most ${issue.maximum}.`;
  if (issue.code === 'too_small' && typeof issue.minimum === 'number') return issue.inclusive === false ? `Must be more than ${issue.minimum}.` : `At least ${issue.minimum}.`;
  return issue.message;
}

export const hasErrors = (e: FormErrors): boolean => e.form.length > 0 || Object.keys(e.fields).length > 0;
