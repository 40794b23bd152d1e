import { z } from 'zod';

/**
 * `POST /v1/hone/estimate` (Hone extension): the answer to "what would this job do?" for a
 * `CreateJobBody`, computed by the same code the trainer runs (resolved hyperparameters, steps,
 * trained tokens), whether it fits on the chosen GPUs, and a time estimate from throughput
 * measured earlier for this model on this machine (null when there is none). Nothing is created.
 */
export const JobEstimate = z
  .object({
    object: z.literal('fine_tuning.job.estimate'),
    model: z.string(),
    method: z.enum(['supervised', 'dpo']),
    /** Every hyperparameter as the trainer will use it: `auto` replaced by its value. */
    hyperparameters: z.record(z.string(), z.unknown()),
    n_examples: z.number().int(),
    n_validation_examples: z.number().int().nullable(),
    total_steps: z.number().int(),
    /** Tokens trained over all epochs: what the job reports as `trained_tokens`. */
    trained_tokens: z.number().int(),
    /** Examples longer than max_seq_length (cut at that length; counted over the training file). */
    truncated_examples: z.number().int(),
    device: z.object({
      kind: z.enum(['gpu', 'cpu']),
      /** Trainer processes (one per GPU with DDP; 1 on the CPU). */
      world_size: z.number().int(),
      gpus_requested: z.number().int(),
      gpus_free: z.array(z.number().int()),
    }),
    memory: z.object({
      /** Estimated peak per device, MiB. */
      required_mib: z.number().nullable(),
      available_mib: z.number().nullable(),
      fits: z.boolean(),
      reason: z.string().nullable(),
      /** Parameters of the model and those the job trains (LoRA adapter or all). */
      parameters: z.number().int().nullable(),
      trainable_parameters: z.number().int().nullable(),
      /** How required_mib is made up (MiB); see trainer/hone_trainer/estimate.py memory_estimate. */
      breakdown_mib: z
        .object({ weights: z.number(), gradients: z.number(), optimizer: z.number(), activations: z.number(), overhead: z.number() })
        .nullable(),
    }),
    time: z.object({
      seconds: z.number().nullable(),
      tokens_per_second: z.number().nullable(),
      /** 'measured': from an earlier job of this model on this machine; 'none': no basis yet. */
      basis: z.enum(['measured', 'none']),
      measured_job_id: z.string().nullable(),
    }),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'FineTuningJobEstimate' });
export type JobEstimate = z.infer<typeof JobEstimate>;
