/**
 * `GET /v1/models/{model}/tokenizer` (Hone extension): the files the editor needs to count tokens
 * exactly as the trainer does. A built-in that is not prepared yet is prepared in the background;
 * until then the answer is 202 `{status: 'preparing'}`.
 */
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { ModelTokenizer } from '../../../shared/schemas/tokenizer.js';
import { modelsWithTokenizer, readTokenizerFiles } from '../../validation/model-tokenizer.js';
import { ApiError } from '../errors.js';
import type { RouteModule } from '../types.js';

const Params = z.object({ model: z.string().min(1).max(512) });
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody, 503: ApiErrorBody };

export const tokenizerRoutes: RouteModule = (app, ctx) => {
  app.get(
    '/v1/models/:model/tokenizer',
    {
      schema: {
        tags: ['models'],
        summary: "A model's tokenizer and chat template (Hone extension)",
        description: 'A built-in model that is not prepared yet answers 202 with `status: preparing` while it is built; poll again.',
        params: Params,
        response: { 200: ModelTokenizer, 202: ModelTokenizer, ...errors },
      },
    },
    async (req, reply) => {
      const model = req.params.model;
      const state = await ctx.preparer.state(model);
      if (state.status === 'preparing') {
        reply.code(202);
        return { object: 'model.tokenizer' as const, model, status: 'preparing' as const, progress: null, message: `Preparing the built-in model '${model}'.`, files: null };
      }
      if (state.status === 'failed') throw new ApiError(503, state.message, 'model', 'model_prepare_failed');
      if (state.status === 'unknown') {
        const have = modelsWithTokenizer(ctx.dirs.modelsDir);
        throw new ApiError(404, `The model '${model}' has no tokenizer here.${have.length ? ` Models with a tokenizer: ${have.join(', ')}.` : ''}`, 'model', 'model_not_found');
      }
      const f = readTokenizerFiles(state.dir);
      const inConfig = f.tokenizerConfig.chat_template;
      return {
        object: 'model.tokenizer' as const,
        model,
        status: 'ready' as const,
        progress: 1,
        message: null,
        files: {
          tokenizer_json: f.tokenizerJson as Record<string, unknown>,
          tokenizer_config: f.tokenizerConfig,
          chat_template: f.chatTemplate ?? (typeof inConfig === 'string' ? inConfig : null),
          model_config: f.modelConfig ?? null,
        },
      };
    },
  );
};
