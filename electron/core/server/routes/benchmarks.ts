import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { Benchmark, BenchmarkList, CreateBenchmarkBody } from '../../../shared/schemas/jobs.js';
import { notFound } from '../errors.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };
const tags = ['benchmarks'];
const Params = z.object({ benchmark_id: z.string().min(1).max(128) });
const ListQuery = z.object({ after: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) });

/**
 * On-demand benchmarks of any model (Hone extension). They queue like fine-tuning jobs; follow one
 * with `GET /v1/fine_tuning/jobs/{id}/events`, `…/events/stream` and `…/console`.
 */
export const benchmarkRoutes: RouteModule = (app, ctx) => {
  const jobs = ctx.jobs;
  const get = (id: string) => {
    const row = jobs.store.get(id);
    if (!row || !id.startsWith('bench-')) throw notFound('benchmark', id, 'benchmark_id');
    return jobs.toBenchmarkApi(row);
  };

  app.post('/v1/benchmarks', { schema: { tags, summary: 'Benchmark a base or fine-tuned model', body: CreateBenchmarkBody, response: { 200: Benchmark, ...errors } } }, async (req) =>
    jobs.toBenchmarkApi(await jobs.createBenchmark(req.body)),
  );
  app.get('/v1/benchmarks', { schema: { tags, summary: 'List benchmarks, newest first', querystring: ListQuery, response: { 200: BenchmarkList, ...errors } } }, async (req) => {
    const { rows, has_more } = jobs.store.list({ ...req.query, benchmarks: true });
    return { object: 'list' as const, data: rows.map((r) => jobs.toBenchmarkApi(r)), has_more };
  });
  app.get('/v1/benchmarks/:benchmark_id', { schema: { tags, summary: 'Retrieve a benchmark', params: Params, response: { 200: Benchmark, ...errors } } }, async (req) =>
    get(req.params.benchmark_id),
  );
};
