/**
 * What the ServingManager asks of an engine (the transformers worker or vLLM): one base model,
 * named adapters on it, one generation at a time (the manager serialises), cancel through an
 * AbortSignal.
 */
export interface GenParams {
  messages: unknown[];
  tools?: unknown[] | null;
  max_tokens: number;
  temperature: number;
  top_p: number;
  stop: string[];
  seed: number | null;
  n: number;
}

export interface GenChoice {
  index: number;
  finish_reason: 'stop' | 'length' | 'cancelled';
  completion_tokens: number;
}

export interface GenResult {
  prompt_tokens: number;
  completion_tokens: number;
  choices: GenChoice[];
}

export interface GenHandlers {
  /** The prompt was tokenised and generation starts. */
  onStart?(promptTokens: number): void;
  /** One decoded piece of choice `index` (for compare: position in `adapters`). */
  onDelta(index: number, text: string): void;
}

/** A request failed inside the engine; the engine itself keeps running. */
export class EngineRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** The engine process is gone (crashed or stopped); the manager restarts it on the next request. */
export class EngineGoneError extends Error {}

export interface Engine {
  readonly kind: 'transformers' | 'vllm';
  readonly device: string;
  readonly pid: number | null;
  /** Resolves once when the engine exits, for whatever reason. */
  readonly exited: Promise<void>;
  loadAdapter(name: string, path: string): Promise<void>;
  generate(adapter: string | null, p: GenParams, h: GenHandlers, signal: AbortSignal): Promise<GenResult>;
  /** Same messages on several adapters (null = the base) in one batch; `index` = position. */
  compare(adapters: Array<string | null>, p: GenParams, h: GenHandlers, signal: AbortSignal): Promise<GenResult>;
  tokenize(messages: unknown[], tools?: unknown[] | null): Promise<number>;
  stop(): Promise<void>;
}
