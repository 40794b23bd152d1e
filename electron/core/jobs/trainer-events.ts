import type { NewEvent } from './job-store.js';

/** One line of the trainer's events.jsonl (see trainer/README.md); only the fields the core uses. */
export interface TrainerEvent {
  v: number;
  seq: number;
  ts: number;
  type: 'started' | 'progress' | 'eval' | 'checkpoint' | 'warning' | 'completed' | 'stopped' | 'error';
  [k: string]: unknown;
}

const fmt = (x: unknown, digits = 4) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/**
 * How a trainer event reads in the job's OpenAI-style event list: `message` events for humans,
 * `metrics` events with per-step numbers in `data` (what OpenAI's dashboard plots).
 */
export function toJobEvent(e: TrainerEvent): NewEvent | null {
  switch (e.type) {
    case 'started':
      return {
        message:
          typeof e.resumed_from_step === 'number'
            ? `Resumed training from the checkpoint at step ${e.resumed_from_step} (${e.total_steps} steps in all)`
            : `Fine-tuning job started: ${e.n_examples} examples, ${e.total_steps} steps on ${e.device} (${e.precision})`,
        data: { device: e.device, precision: e.precision, world_size: e.world_size, total_steps: e.total_steps, hyperparameters: e.hyperparameters },
      };
    case 'progress':
      return {
        type: 'metrics',
        message: `Step ${e.step}/${e.total_steps}: training loss=${fmt(e.train_loss)}`,
        data: {
          step: e.step,
          total_steps: e.total_steps,
          epoch: e.epoch,
          train_loss: e.train_loss,
          train_mean_token_accuracy: e.train_mean_token_accuracy ?? null,
          learning_rate: e.learning_rate,
          grad_norm: e.grad_norm,
          tokens_per_second: e.tokens_per_second,
          eta_seconds: e.eta_seconds,
          ...(e.extra as Record<string, number> | undefined),
        },
      };
    case 'eval':
      return {
        type: 'metrics',
        message: `Step ${e.step}: validation loss=${fmt(e.valid_loss)}`,
        data: { step: e.step, valid_loss: e.valid_loss, valid_mean_token_accuracy: e.valid_mean_token_accuracy ?? null },
      };
    case 'checkpoint':
      return { message: `Checkpoint saved at step ${e.step} (${e.reason})`, data: { step: e.step, metrics: e.metrics } };
    case 'warning':
      return { level: 'warn', message: String(e.message), data: e.code ? { code: e.code } : null };
    case 'completed':
      return { message: `Training completed at step ${e.step}: ${e.trained_tokens} tokens trained`, data: { metrics: e.metrics } };
    case 'stopped':
      return { message: `Training stopped at step ${e.step}; checkpoint saved`, data: { step: e.step, checkpoint: e.checkpoint_path } };
    case 'error':
      return { level: 'error', message: `Training failed: ${String(e.message)}`, data: { code: e.code } };
    default:
      return null;
  }
}
