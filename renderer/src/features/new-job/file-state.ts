/** Whether a fine-tune file can be this job's data, and the one line that says why (not). */
import type { OpenAIFile } from '@shared/schemas/files.js';
import type { ValDatasetResponse } from '@shared/schemas/validation.js';
import type { MethodType } from './form';

export interface FileState {
  kind: 'valid' | 'validating' | 'errors' | 'wrong_format';
  choosable: boolean;
  text: string;
  /** Errors are fixed in the editor. */
  fixInEditor: boolean;
}

const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;

export function fileState(file: OpenAIFile, report: ValDatasetResponse | undefined, method: MethodType): FileState {
  if (file.status === 'uploaded') return { kind: 'validating', choosable: true, text: 'Validating now… You can choose it: the job checks it again before training.', fixInEditor: false };
  if (report && !report.valid) {
    const n = Object.values(report.error_counts).reduce((a, b) => a + b, 0);
    return { kind: 'errors', choosable: false, text: `${plural(n, 'error')} — first: ${report.errors[0] ?? 'invalid dataset'}`, fixInEditor: true };
  }
  if (!report && file.status === 'error') return { kind: 'errors', choosable: false, text: file.status_details ?? 'This file has validation errors.', fixInEditor: true };
  const format = report?.format ?? null;
  if (method === 'dpo' && format && format !== 'preference') {
    return { kind: 'wrong_format', choosable: false, text: `${format === 'chat' ? 'Chat' : 'Prompt/completion'} examples: DPO needs preference pairs (input, preferred_output, non_preferred_output).`, fixInEditor: false };
  }
  if (method === 'supervised' && format && format !== 'chat') {
    return { kind: 'wrong_format', choosable: false, text: `${format === 'preference' ? 'Preference pairs: choose the DPO method for these' : 'Prompt/completion examples: supervised jobs train on chat examples'}.`, fixInEditor: false };
  }
  if (!report) return { kind: 'valid', choosable: true, text: 'No errors', fixInEditor: false };
  const warnings = Object.values(report.warning_counts).reduce((a, b) => a + b, 0);
  const parts = ['No errors', format ?? 'unknown format', plural(report.stats.examples, 'example')];
  if (warnings) parts.push(plural(warnings, 'warning'));
  return { kind: 'valid', choosable: true, text: parts.join(' · '), fixInEditor: false };
}
