import { describe, expect, it } from 'vitest';
import { CreateJobBody } from '@shared/schemas/jobs.js';
import type { OpenAIFile } from '@shared/schemas/files.js';
import type { ValDatasetResponse } from '@shared/schemas/validation.js';
import { benchmarksSetting, checkForm, fieldOf, initialForm, toBody, type FormState } from './form';
import { fileState } from './file-state';

const form = (p: Partial<FormState> = {}): FormState => ({ ...initialForm(), model: 'hone-tiny-llama', trainingFile: 'file-a', ...p });

describe('the request body', () => {
  it('a default form asks for auto hyperparameters and leaves every other setting to the server', () => {
    const body = toBody(form());
    expect(body).toEqual({
      model: 'hone-tiny-llama',
      training_file: 'file-a',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' } } },
    });
    expect(CreateJobBody.safeParse(body).success).toBe(true);
  });

  it('DPO with QLoRA, typed values, a hub model and the run settings', () => {
    const f = form({ method: 'dpo', adapter: 'qlora', modelSource: 'hub', hubId: ' org/model ', lora_r: '8', max_seq_length: '512', suffix: ' run-1 ', seed: '7', gpus: '2', priority: '-5', validationFile: 'file-v', benchmarks: true, suites: { lm_eval: true, needle: false } });
    f.hp = { ...f.hp, beta: { auto: false, value: '0.2' }, warmup_ratio: { auto: false, value: '0.1' } };
    expect(toBody(f)).toEqual({
      model: 'org/model',
      training_file: 'file-a',
      validation_file: 'file-v',
      method: { type: 'dpo', dpo: { hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto', warmup_ratio: 0.1, beta: 0.2, max_seq_length: 512, lora_r: 8, qlora: true } } },
      suffix: 'run-1',
      seed: 7,
      hone: { gpus: 2, priority: -5, benchmarks: { needle: false } },
    });
  });

  it('full fine-tunes drop the LoRA settings; beta never goes with supervised', () => {
    const f = form({ adapter: 'full', lora_r: '8' });
    f.hp = { ...f.hp, beta: { auto: false, value: '0.5' } };
    expect(toBody(f).method).toEqual({ type: 'supervised', supervised: { hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto', full_finetune: true } } });
  });

  it('benchmarks: server default, off, all suites, or the suites turned off', () => {
    expect(benchmarksSetting(form())).toBeUndefined();
    expect(benchmarksSetting(form({ benchmarks: false }))).toBe(false);
    expect(benchmarksSetting(form({ benchmarks: true }))).toBe(true);
    expect(benchmarksSetting(form({ benchmarks: true, suites: { lm_eval: false, needle: true } }))).toEqual({ lm_eval: false });
  });
});

describe('the client check mirrors the schema', () => {
  it('a new form lacks a model and a training file', () => {
    const e = checkForm(initialForm());
    expect(Object.keys(e.fields).sort()).toEqual(['model', 'training_file']);
    expect(checkForm(form()).fields).toEqual({});
  });

  it('out-of-range and junk values are named at their fields in plain words', () => {
    const f = form({ suffix: 'bad suffix!', seed: '-1', priority: '500', lora_dropout: 'x' });
    f.hp = { ...f.hp, n_epochs: { auto: false, value: '100' }, batch_size: { auto: false, value: '1.5' }, learning_rate_multiplier: { auto: false, value: '0' } };
    const e = checkForm(f);
    expect(e.fields).toEqual({
      'hyperparameters.n_epochs': 'At most 50.',
      'hyperparameters.batch_size': 'Enter a whole number.',
      'hyperparameters.learning_rate_multiplier': 'Must be more than 0.',
      'hyperparameters.lora_dropout': 'Enter a number.',
      suffix: 'suffix may contain only letters, digits, _ . -',
      seed: 'At least 0.',
      'hone.priority': 'At most 100.',
    });
    expect(e.form).toEqual([]);
  });

  it('benchmarks on with no suite, and the same file twice, are flagged', () => {
    expect(checkForm(form({ benchmarks: true, suites: { lm_eval: false, needle: false } })).fields['hone.benchmarks']).toMatch(/at least one suite/);
    expect(checkForm(form({ validationFile: 'file-a' })).fields.validation_file).toMatch(/different file/);
  });
});

describe('server params land on fields', () => {
  it.each([
    ['model', 'model'],
    ['training_file', 'training_file'],
    ['validation_file', 'validation_file'],
    ['suffix', 'suffix'],
    ['seed', 'seed'],
    ['hyperparameters.n_epochs', 'hyperparameters.n_epochs'],
    ['hyperparameters.beta', 'hyperparameters.beta'],
    ['method.dpo.hyperparameters.beta', 'hyperparameters.beta'],
    ['method.supervised.hyperparameters.lora_r', 'hyperparameters.lora_r'],
    ['method.type', 'method'],
    ['hone.gpus', 'hone.gpus'],
    ['hone.benchmarks.lm_eval', 'hone.benchmarks'],
    ['metadata', null],
    ['fine_tuning_job_id', null],
    [null, null],
  ])('%s → %s', (param, field) => {
    expect(fieldOf(param)).toBe(field);
  });
});

const file = (p: Partial<OpenAIFile> = {}): OpenAIFile => ({ id: 'file-1', object: 'file', bytes: 10, created_at: 0, expires_at: null, filename: 'a.jsonl', purpose: 'fine-tune', status: 'processed', status_details: null, checksum: '0'.repeat(32), sha256: '0'.repeat(64), ...p });
const report = (p: Partial<ValDatasetResponse>): ValDatasetResponse => ({ valid: true, format: 'chat', errors: ['No errors found'], error_counts: {}, warning_counts: {}, stats: { examples: 12 } as ValDatasetResponse['stats'], ...p }) as ValDatasetResponse;

describe('file states in the pickers', () => {
  it('errors: not choosable, with the count and the first error, fixed in the editor', () => {
    const s = fileState(file({ status: 'error' }), report({ valid: false, errors: ['line 3: invalid JSON (Unexpected token)', 'line 5: …'], error_counts: { invalid_json: 2, missing_content: 10 } }), 'supervised');
    expect(s).toEqual({ kind: 'errors', choosable: false, text: '12 errors — first: line 3: invalid JSON (Unexpected token)', fixInEditor: true });
  });
  it('still validating: choosable; valid: counts; the wrong format for the method: not choosable', () => {
    expect(fileState(file({ status: 'uploaded' }), undefined, 'supervised')).toMatchObject({ kind: 'validating', choosable: true });
    expect(fileState(file(), report({ warning_counts: { missing_system_message: 2 } }), 'supervised')).toMatchObject({ kind: 'valid', choosable: true, text: 'No errors · chat · 12 examples · 2 warnings' });
    expect(fileState(file(), report({}), 'dpo')).toMatchObject({ kind: 'wrong_format', choosable: false, text: expect.stringMatching(/DPO needs preference pairs/) });
    expect(fileState(file(), report({ format: 'preference' }), 'supervised')).toMatchObject({ kind: 'wrong_format', choosable: false });
    expect(fileState(file(), report({ format: 'preference' }), 'dpo')).toMatchObject({ kind: 'valid', choosable: true });
  });
  it('an error file whose report is still loading says what the file list says', () => {
    expect(fileState(file({ status: 'error', status_details: 'line 1: invalid JSON' }), undefined, 'supervised')).toMatchObject({ choosable: false, text: 'line 1: invalid JSON' });
  });
});
