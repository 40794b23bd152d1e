import type { Db } from '../db/database.js';
import type { FileStore } from '../files/file-store.js';
import { ApiError } from '../server/errors.js';
import type { CreateJobBody } from '../../shared/schemas/jobs.js';
import type { JobEstimate } from '../../shared/schemas/estimate.js';
import type { JobService } from './job-service.js';
import { EstimateError, EstimateWorker, type TrainerEstimate } from './estimate-worker.js';
import { fitOnDevice } from './estimate-fit.js';
import { measuredThroughput } from './estimate-throughput.js';

export interface JobEstimatorOptions {
  jobs: JobService;
  files: FileStore;
  db: Db;
  python: string;
  modelsDir: string;
  /** Trainer estimates kept (each a few hundred bytes). */
  cacheSize?: number;
}

/** The trainer's error codes → the create-body field they are about. */
const PARAM_OF: Record<string, string | null> = {
  model_not_found: 'model',
  unsupported_chat_template: 'model',
  invalid_training_file: 'training_file',
  invalid_validation_file: 'validation_file',
};

/**
 * `POST /v1/hone/estimate`: the checks of create (JobService.checkCreate), then the trainer's own
 * answer for the spec create would write (`python -m hone_trainer estimate`), then what only this
 * machine knows now: free memory where the job would run and the throughput of earlier jobs.
 * Trainer answers are cached per (file contents, model, method, hyperparameters, GPU count), and
 * concurrent identical requests share one computation, so the wizard's calls on every change stay
 * cheap; the memory and time parts are recomputed on each call (they change as jobs run).
 */
export class JobEstimator {
  private readonly worker: EstimateWorker;
  private readonly cache = new Map<string, Promise<TrainerEstimate>>();
  private gpusReadAt = 0;

  constructor(private readonly o: JobEstimatorOptions) {
    this.worker = new EstimateWorker({ python: o.python, env: () => o.jobs.childEnv() });
  }

  close(): void {
    this.worker.close();
  }

  async estimate(body: CreateJobBody): Promise<JobEstimate> {
    const { method, hp, gpus } = await this.o.jobs.checkCreate(body);
    const training = this.o.files.get(body.training_file)!; // checkCreate: exists, purpose fine-tune
    const validation = body.validation_file ? this.o.files.get(body.validation_file)! : null;
    // The spec create's job would get (JobService.start), minus what only a run has (ids, paths).
    const spec = {
      version: 1,
      model: body.model,
      models_dir: this.o.modelsDir,
      training_file: this.o.files.contentPath(training.id),
      validation_file: validation ? this.o.files.contentPath(validation.id) : null,
      method: method.type,
      hyperparameters: hp,
      seed: body.seed ?? 0, // the seed changes no count; a job without one gets a random seed
      gpus,
    };
    const key = JSON.stringify([training.sha256, validation?.sha256 ?? null, body.model, method.type, sortKeys(hp), gpus]);
    const trainer = await this.trainerEstimate(key, spec);
    if (Date.now() - this.gpusReadAt > 2_000) {
      await this.o.jobs.refreshGpus(); // nvidia-smi: at most every 2 s, however fast the wizard asks
      this.gpusReadAt = Date.now();
    }
    const inv = this.o.jobs.inventory();
    const held = new Set([...inv.live.values()].flat());
    const fit = fitOnDevice(trainer.memory.required_mib, gpus, inv.gpus, held);
    const hyper: Record<string, unknown> = { ...trainer.hyperparameters, seed: body.seed ?? null }; // null: chosen at random by create
    const measured = measuredThroughput(this.o.db, {
      model: body.model,
      device: gpus === 0 ? 'cpu' : { gpu: fit.gpus[0]?.name ?? null, count: gpus },
      method: method.type,
      fullFinetune: Boolean(hyper.full_finetune),
      qlora: Boolean(hyper.qlora),
    });
    const m = trainer.memory;
    return {
      object: 'fine_tuning.job.estimate',
      model: body.model,
      method: method.type,
      hyperparameters: hyper,
      n_examples: trainer.n_examples,
      n_validation_examples: trainer.n_validation_examples,
      total_steps: trainer.total_steps,
      trained_tokens: trainer.trained_tokens,
      truncated_examples: trainer.truncated_examples,
      device: { ...fit.device, world_size: trainer.device.world_size },
      memory: {
        ...fit.memory,
        parameters: m.parameters,
        trainable_parameters: m.trainable_parameters,
        breakdown_mib: { weights: m.weights_mib, gradients: m.gradients_mib, optimizer: m.optimizer_mib, activations: m.activations_mib, overhead: m.overhead_mib },
      },
      time: measured
        ? {
            seconds: Math.round(measured.overheadSeconds + trainer.trained_tokens / measured.tokensPerSecond),
            tokens_per_second: Math.round(measured.tokensPerSecond * 10) / 10,
            basis: 'measured',
            measured_job_id: measured.jobId,
          }
        : { seconds: null, tokens_per_second: null, basis: 'none', measured_job_id: null },
      warnings: gpus > 0 && trainer.device.kind === 'cpu' ? [...trainer.warnings, "The trainer's torch has no CUDA support: this job would train on the CPU."] : trainer.warnings,
    };
  }

  private trainerEstimate(key: string, spec: Record<string, unknown>): Promise<TrainerEstimate> {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key); // most recently used last
      this.cache.set(key, hit);
      return hit;
    }
    const p = this.worker.run(spec).catch((err: Error) => {
      this.cache.delete(key); // failures are not remembered: the model may be downloaded, the hub back
      if (err instanceof EstimateError) {
        const param = PARAM_OF[err.code] ?? null;
        throw new ApiError(400, `The trainer cannot run this job: ${err.message}`, param, err.code);
      }
      throw new ApiError(503, `The estimate is unavailable: ${err.message}`, null, 'estimator_unavailable');
    });
    this.cache.set(key, p);
    while (this.cache.size > (this.o.cacheSize ?? 200)) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }
}

function sortKeys(o: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
}
