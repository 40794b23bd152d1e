/**
 * Live validation of one example as it is edited, with the shared validator (the same checks the
 * server runs), and helpers to place its issues at the message they name.
 */
import { validateText, type TokenCounter } from '@shared/validation/index.js';
import type { ValidationIssue } from '@shared/schemas/validation.js';

export interface ExampleCheck {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Tokens of the example and of its trained spans (null when it has errors). */
  tokens: number | null;
  trained: number | null;
}

/** File-wide findings that say nothing about one example on its own. */
const FILE_WIDE = new Set(['too_few_examples', 'few_examples', 'empty_file', 'duplicate_example']);

/** Validates one example's text (a pretty-printed one is first put on one line, as saving does). */
export function checkExample(text: string, tokenCounter?: TokenCounter): ExampleCheck {
  let line = text;
  if (/[\r\n]/.test(text)) {
    try {
      line = JSON.stringify(JSON.parse(text));
    } catch {
      line = text.replace(/[\r\n]+/g, ' ');
    }
  }
  const r = validateText(line, { tokenCounter, maxSamplesPerCategory: 50 });
  const keep = (i: ValidationIssue) => i.line !== null && !FILE_WIDE.has(i.category);
  const ok = r.stats.valid_examples === 1;
  return {
    errors: r.error_details.filter(keep),
    warnings: r.warnings.filter(keep),
    tokens: ok ? (r.stats.tokens_per_example?.max ?? null) : null,
    trained: ok ? (r.stats.trained_tokens_per_example?.max ?? null) : null,
  };
}

/** Issues whose path is `prefix` or inside it (`messages[2]` holds `messages[2].weight`, not `messages[20]`). */
export function issuesAt(issues: ValidationIssue[], prefix: string): ValidationIssue[] {
  return issues.filter((i) => i.path !== null && (i.path === prefix || i.path.startsWith(prefix + '.') || i.path.startsWith(prefix + '[')));
}

/** The path of a message in the example's JSON, as the validator names it. */
export function messagePath(kind: 'chat' | 'preference' | 'other', list: 'messages' | 'preferred' | 'non_preferred', index: number): string {
  if (list === 'preferred') return `preferred_output[${index}]`;
  if (list === 'non_preferred') return `non_preferred_output[${index}]`;
  return kind === 'preference' ? `input.messages[${index}]` : `messages[${index}]`;
}
