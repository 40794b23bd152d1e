/** Dataset validation shared by the server (in a worker thread) and the renderer's editor. */
export { DatasetValidator, validateChunks, validateText, validateBytes, DEFAULT_MIN_EXAMPLES } from './validator.js';
export type { ValidateOptions } from './validator.js';
export { EstimateTokenCounter, DEFAULT_CONTEXT_LENGTH } from './token-count.js';
export type { TokenCounter, TokenCounts } from './token-count.js';
export { HfTokenCounter, contextLengthOf } from './hf-tokenizer.js';
export type { HfTokenizerFiles } from './hf-tokenizer.js';
export { formatIssue } from './issues.js';
export { autoEpochs } from './distribution.js';
export { exactCodec } from './records.js';
export type { TextCodec } from './records.js';
export { labelMask } from './label-mask.js';
export type { LabelMask, LabelSegment } from './label-mask.js';
