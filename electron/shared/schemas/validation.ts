import { z } from 'zod';

/** Dataset line formats the validator knows (OpenAI fine-tuning inputs). */
export const DatasetFormat = z.enum(['chat', 'preference', 'completion']);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/** How the examples are laid out in the file. */
export const DatasetContainer = z.enum(['jsonl', 'json_array']);
export type DatasetContainer = z.infer<typeof DatasetContainer>;

/** Error categories: the OpenAI cookbook's names first, then Hone's stricter checks. */
export const ERROR_CATEGORIES = [
  'data_type',
  'missing_messages_list',
  'message_missing_key',
  'message_unrecognized_key',
  'unrecognized_role',
  'missing_content',
  'example_missing_assistant_message',
  'invalid_json',
  'invalid_encoding',
  'empty_file',
  'too_few_examples',
  'invalid_weight',
  'weight_on_non_assistant',
  'invalid_tool_call',
  'invalid_tools',
  'invalid_field',
  'invalid_content',
  'invalid_preference',
  'mixed_formats',
  'unexpected_format',
  'line_too_long',
  'chat_template_error',
  'internal_error',
] as const;
export const ErrorCategory = z.enum(ERROR_CATEGORIES);
export type ErrorCategory = z.infer<typeof ErrorCategory>;

export const WARNING_CATEGORIES = [
  'missing_system_message',
  'missing_user_message',
  'duplicate_example',
  'empty_assistant_reply',
  'no_trained_tokens',
  'exceeds_context',
  'too_few_examples',
  'few_examples',
  'blank_line',
  'unrecognized_example_key',
  'unknown_tool',
  'identical_preference_pair',
  'token_count_failed',
  'json_array_container',
] as const;
export const WarningCategory = z.enum(WARNING_CATEGORIES);
export type WarningCategory = z.infer<typeof WarningCategory>;

/** One problem, located as precisely as the input allows. */
export const ValidationIssue = z
  .object({
    category: z.string(),
    /** 1-based line in the file where the example (or the problem) starts; null for file-wide issues. */
    line: z.number().int().positive().nullable(),
    /** 1-based example index (JSONL: counts non-blank lines; JSON array: element index). */
    example: z.number().int().positive().nullable(),
    /** JSON path inside the example, e.g. `messages[2].weight`; null when it is the whole example. */
    path: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'ValidationIssue' });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/** min / max / mean / median / p10 / p90 (numpy-style linear quantiles, as the cookbook). */
export const Distribution = z
  .object({
    min: z.number(),
    max: z.number(),
    mean: z.number(),
    median: z.number(),
    p10: z.number(),
    p90: z.number(),
  })
  .meta({ id: 'ValidationDistribution' });
export type Distribution = z.infer<typeof Distribution>;

/** Example counts per bucket: bucket i holds values in [edges[i], edges[i+1]) (the last includes the max). */
export const Histogram = z
  .object({ edges: z.array(z.number()), counts: z.array(z.number().int().nonnegative()) })
  .meta({ id: 'ValidationHistogram' });
export type Histogram = z.infer<typeof Histogram>;

export const TokenCountingInfo = z.object({
  /** `model`: the named model's own tokenizer and chat template; `estimate`: ~4 characters a token. */
  method: z.enum(['model', 'estimate']),
  model: z.string().nullable(),
  /** Longest example (in tokens) that trains without truncation. */
  context_length: z.number().int().positive(),
  note: z.string(),
});
export type TokenCountingInfo = z.infer<typeof TokenCountingInfo>;

export const ValidationStats = z
  .object({
    /** Examples read (every non-blank JSONL line / every array element). */
    examples: z.number().int().nonnegative(),
    /** Examples without any error; the distributions below cover these only. */
    valid_examples: z.number().int().nonnegative(),
    messages_per_example: Distribution.nullable(),
    tokens_per_example: Distribution.nullable(),
    trained_tokens_per_example: Distribution.nullable(),
    /** Histograms of the two token distributions above (valid examples only). */
    tokens_histogram: Histogram.nullable(),
    trained_tokens_histogram: Histogram.nullable(),
    token_counting: TokenCountingInfo,
    examples_over_context: z.number().int().nonnegative(),
    /** Σ min(context_length, tokens) over valid examples: what one epoch processes. */
    tokens_per_epoch: z.number().int().nonnegative(),
    /** Σ trained (loss-bearing) tokens over valid examples, per epoch. */
    trained_tokens_per_epoch: z.number().int().nonnegative(),
    /** Epochs OpenAI's `n_epochs: "auto"` picks for this many examples; null without examples. */
    auto_epochs: z.number().int().positive().nullable(),
    /** tokens_per_epoch × auto_epochs: what OpenAI would bill for a default run. */
    estimated_training_tokens: z.number().int().nonnegative(),
    /** False once the duplicate detector's memory cap was reached (huge files). */
    duplicates_fully_checked: z.boolean(),
  })
  .meta({ id: 'ValidationStats' });
export type ValidationStats = z.infer<typeof ValidationStats>;

export const ValidationReport = z
  .object({
    object: z.literal('dataset.validation'),
    valid: z.boolean(),
    /** The examples' format; null when none could be recognised. */
    format: DatasetFormat.nullable(),
    format_source: z.enum(['detected', 'enforced']),
    container: DatasetContainer.nullable(),
    bytes: z.number().int().nonnegative(),
    /** Readable lines, one per listed problem (`line 3: invalid JSON (…)`), then `… more` lines. */
    error_lines: z.array(z.string()),
    /** Every error category seen, with its total count, in first-seen order. */
    error_counts: z.record(z.string(), z.number().int().positive()),
    /** The first few instances of each error category. */
    error_details: z.array(ValidationIssue),
    warning_counts: z.record(z.string(), z.number().int().positive()),
    warnings: z.array(ValidationIssue),
    stats: ValidationStats,
  })
  .meta({ id: 'ValidationReport' });
export type ValidationReport = z.infer<typeof ValidationReport>;

/** `POST /v1/val_dataset` answer: the seed's `{id, errors, object}` (in its key order) plus the report's fields. */
export const ValDatasetResponse = z
  .object({
    id: z.string(),
    /** Exactly `["No errors found"]` for a clean file, else one readable line per problem. */
    errors: z.array(z.string()),
    object: z.literal('file'),
    valid: z.boolean(),
    format: DatasetFormat.nullable(),
    format_source: z.enum(['detected', 'enforced']),
    container: DatasetContainer.nullable(),
    bytes: z.number().int().nonnegative(),
    error_counts: z.record(z.string(), z.number().int().positive()),
    error_details: z.array(ValidationIssue),
    warning_counts: z.record(z.string(), z.number().int().positive()),
    warnings: z.array(ValidationIssue),
    stats: ValidationStats,
    /** Unix seconds when this report was produced. */
    validated_at: z.number().int().nonnegative(),
  })
  .meta({ id: 'ValDatasetResponse' });
export type ValDatasetResponse = z.infer<typeof ValDatasetResponse>;

export const NO_ERRORS_LINE = 'No errors found';

/** `POST /v1/files/{id}/validations`: a validation that runs in the background (Hone extension). */
export const CreateValidationRunBody = z
  .object({
    model: z.string().min(1).max(512).optional(),
    format: DatasetFormat.optional(),
  })
  .meta({ id: 'CreateValidationRunRequest' });
export type CreateValidationRunBody = z.infer<typeof CreateValidationRunBody>;

export const ValidationRun = z
  .object({
    id: z.string(),
    object: z.literal('dataset.validation_run'),
    file_id: z.string(),
    model: z.string().nullable(),
    format: DatasetFormat.nullable(),
    status: z.enum(['preparing_model', 'running', 'succeeded', 'failed', 'cancelled']),
    bytes_done: z.number().int().nonnegative(),
    bytes_total: z.number().int().nonnegative(),
    created_at: z.number().int().nonnegative(),
    finished_at: z.number().int().nonnegative().nullable(),
    /** The finished report (status `succeeded`). */
    report: ValDatasetResponse.nullable(),
    /** Why it failed, in the error envelope's shape. */
    error: z.object({ message: z.string(), code: z.string().nullable(), param: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'ValidationRun' });
export type ValidationRun = z.infer<typeof ValidationRun>;
