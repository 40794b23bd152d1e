/**
 * `GET /v1/models/{model}/tokenizer` (Hone extension): the files the editor needs to count tokens
 * exactly as the trainer does. A built-in that is not prepared yet is prepared in the background;
 * until then the answer is 202 `{status: 'preparing'}`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { ModelTokenizer } from '../../../shared/schemas/tokenizer.js';
import { modelsWithTokenizer } from '../../validation/model-tokenizer.js';
import { ApiError } from '../errors.js';
import type { RouteModule } from '../types.js';

const Params = z.object({ model: z.string().min(1).max(512) });
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody, 503: ApiErrorBody };

const readJson = (dir: string, f: string): Record<string, unknown> | null =>
  existsSync(join(dir, f)) ? (JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>) : null;

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
      const dir = state.dir;
      const config = readJson(dir, 'tokenizer_config.json') ?? {};
      const template = join(dir, 'chat_template.jinja');
      const chat_template = existsSync(template) ? readFileSync(template, 'utf8') : typeof config.chat_template === 'string' ? config.chat_template : null;
      return {
        object: 'model.tokenizer' as const,
        model,
        status: 'ready' as const,
        progress: 1,
        message: null,
        files: { tokenizer_json: readJson(dir, 'tokenizer.json')!, tokenizer_config: config, chat_template, model_config: readJson(dir, 'config.json') },
      };
    },
  );
};
