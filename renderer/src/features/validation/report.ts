/**
 * Pure helpers that turn a validation report into what the view shows: readable category titles,
 * issues grouped by category, the verdict line, the token-counting sentence and the auto-epochs rule.
 */
import type { ValidationIssue, ValidationStats } from '@shared/schemas/validation.js';

const TITLES: Record<string, string> = {
  data_type: 'Example is not a JSON object',
  missing_messages_list: 'No "messages" list',
  message_missing_key: 'Message without "role" or "content"',
  message_unrecognized_key: 'Unknown key in a message',
  unrecognized_role: 'Unknown role',
  missing_content: 'Message without content',
  example_missing_assistant_message: 'No assistant message',
  invalid_json: 'Invalid JSON',
  invalid_encoding: 'Not valid UTF-8',
  empty_file: 'The file is empty',
  too_few_examples: 'Too few examples',
  invalid_weight: 'Invalid "weight"',
  weight_on_non_assistant: '"weight" on a non-assistant message',
  invalid_tool_call: 'Invalid tool call',
  invalid_tools: 'Invalid "tools" list',
  invalid_field: 'Invalid field',
  invalid_content: 'Invalid content',
  invalid_preference: 'Invalid preference pair',
  mixed_formats: 'Examples in different formats',
  unexpected_format: 'Not the expected format',
  line_too_long: 'Line too long',
  chat_template_error: "The model's chat template failed",
  internal_error: 'Internal validator error',
  missing_system_message: 'No system message',
  missing_user_message: 'No user message',
  duplicate_example: 'Duplicate example',
  empty_assistant_reply: 'Empty assistant reply',
  no_trained_tokens: 'Nothing to train on (no trained tokens)',
  exceeds_context: "Longer than the model's context (will be truncated)",
  few_examples: 'Few examples',
  blank_line: 'Blank line',
  unrecognized_example_key: 'Unknown key in an example',
  unknown_tool: 'Call to an undeclared tool',
  identical_preference_pair: 'Preferred and rejected replies are identical',
  token_count_failed: 'Tokens could not be counted',
};

/** "invalid_json" → "Invalid JSON"; unknown categories become sentence case of their name. */
export function categoryTitle(category: string): string {
  const t = TITLES[category];
  if (t) return t;
  const words = category.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface IssueGroup {
  category: string;
  title: string;
  /** Total instances in the file (the report lists only the first few). */
  count: number;
  issues: ValidationIssue[];
}

/** Groups in the report's first-seen order of `counts`; categories only present in `issues` come last. */
export function groupIssues(counts: Record<string, number>, issues: ValidationIssue[]): IssueGroup[] {
  const groups = new Map<string, IssueGroup>();
  for (const [category, count] of Object.entries(counts)) groups.set(category, { category, title: categoryTitle(category), count, issues: [] });
  for (const issue of issues) {
    let g = groups.get(issue.category);
    if (!g) groups.set(issue.category, (g = { category: issue.category, title: categoryTitle(issue.category), count: 0, issues: [] }));
    g.issues.push(issue);
  }
  for (const g of groups.values()) g.count = Math.max(g.count, g.issues.length);
  return [...groups.values()];
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "No errors found" or "3 errors in 2 examples" (file-wide problems have no example). */
export function verdict(counts: Record<string, number>, stats: Pick<ValidationStats, 'examples' | 'valid_examples'>): string {
  const errors = Object.values(counts).reduce((a, b) => a + b, 0);
  if (errors === 0) return 'No errors found';
  const bad = stats.examples - stats.valid_examples;
  return bad > 0 ? `${plural(errors, 'error')} in ${plural(bad, 'example')}` : plural(errors, 'error');
}

export function countingMethod(tc: ValidationStats['token_counting']): string {
  return tc.method === 'model' && tc.model
    ? `exact, with ${tc.model}'s tokenizer and chat template`
    : 'estimate (~4 bytes per token; pick a model for exact counts)';
}

export const AUTO_EPOCHS = { target: 3, minExamples: 100, maxExamples: 25_000, minEpochs: 1, maxEpochs: 25 } as const;

/** OpenAI's `n_epochs: "auto"` (the cookbook's rule, integer division): 3, raised or lowered toward [100, 25000]. */
export function autoEpochs(examples: number): number | null {
  if (examples <= 0) return null;
  const { target, minExamples, maxExamples, minEpochs, maxEpochs } = AUTO_EPOCHS;
  if (examples * target < minExamples) return Math.min(maxEpochs, Math.floor(minExamples / examples));
  if (examples * target > maxExamples) return Math.max(minEpochs, Math.floor(maxExamples / examples));
  return target;
}

/** The rule in words with this file's numbers; `epochs` is the server's figure. */
export function explainAutoEpochs(examples: number, epochs: number | null): string {
  const rule = "OpenAI's n_epochs: \"auto\" trains 3 epochs, scaled so that examples × epochs stays within 100–25,000 (1 to 25 epochs).";
  if (epochs === null || examples <= 0) return `${rule} With no valid examples there is nothing to train.`;
  const n = examples.toLocaleString('en-US');
  const nEx = plural(examples, 'example');
  const total = (examples * epochs).toLocaleString('en-US');
  const three = (examples * 3).toLocaleString('en-US');
  if (epochs === 3) return `${rule} ${nEx} × 3 = ${three}, inside the range, so 3 epochs.`;
  const capped = epochs === 25 || epochs === 1 ? `, capped at ${epochs}` : '';
  if (examples * 3 < 100) return `${rule} ${nEx} × 3 = ${three} is under 100, so 100 ÷ ${n} rounded down${capped} = ${plural(epochs, 'epoch')} (${n} × ${epochs} = ${total}).`;
  return `${rule} ${nEx} × 3 = ${three} is over 25,000, so 25,000 ÷ ${n} rounded down${capped} = ${plural(epochs, 'epoch')} (${n} × ${epochs} = ${total}).`;
}

/** The editor route for an issue's example (1-based), or null for file-wide issues. */
export const editorLink = (fileId: string, example: number | null): string | null =>
  example === null ? null : `/files/${encodeURIComponent(fileId)}/edit?example=${example}`;
