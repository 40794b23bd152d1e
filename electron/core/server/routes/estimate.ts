import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { CreateJobBody } from '../../../shared/schemas/jobs.js';
import { JobEstimate } from '../../../shared/schemas/estimate.js';
import { JobEstimator } from '../../jobs/estimate.js';
import type { RouteModule } from '../types.js';

/** `POST /v1/hone/estimate`: a dry run of a fine-tuning job (electron/shared/schemas/estimate.ts). */
export const estimateRoutes: RouteModule = (app, ctx) => {
  const estimator = new JobEstimator({ jobs: ctx.jobs, files: ctx.files, db: ctx.db, python: ctx.python, modelsDir: ctx.dirs.modelsDir });
  app.addHook('onClose', async () => estimator.close());

  app.post(
    '/v1/hone/estimate',
    {
      schema: {
        tags: ['fine-tuning'],
        summary: 'Estimate a fine-tuning job without creating it',
        description:
          "Hone extension. Takes the body of POST /v1/fine_tuning/jobs, makes the same checks (same errors and params), and answers with what the trainer would do: resolved hyperparameters, n_examples, total_steps, trained_tokens, truncated examples, a memory estimate against the free memory where the job would run, and a time from throughput measured earlier for this model on this machine (time.basis 'none' when there is none). Nothing is created.",
        body: CreateJobBody,
        response: { 200: JobEstimate, 400: ApiErrorBody, 401: ApiErrorBody, 503: ApiErrorBody },
      },
    },
    async (req) => estimator.estimate(req.body),
  );
};
