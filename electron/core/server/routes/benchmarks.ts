import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import { z } from 'zod';
import { ApiErrorBody } from '../../../shared/schemas/common.js';
import { Benchmark, BenchmarkList, CreateBenchmarkBody } from '../../../shared/schemas/jobs.js';
import { BenchmarkArtifactParams, suitesProblem } from '../../../shared/schemas/benchmarks.js';
import { badRequest, notFound } from '../errors.js';
import type { RouteModule } from '../types.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 404: ApiErrorBody };
const tags = ['benchmarks'];
const TYPES: Record<string, string> = { '.png': 'image/png', '.csv': 'text/csv; charset=utf-8', '.json': 'application/json' };
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

  app.post('/v1/benchmarks', { schema: { tags, summary: 'Benchmark a base or fine-tuned model', body: CreateBenchmarkBody, response: { 200: Benchmark, ...errors } } }, async (req) => {
    // Suite settings are checked here, so a bad value is a 400 naming its field, not a failed run.
    const problem = suitesProblem(req.body.suites);
    if (problem) throw badRequest(problem.message, problem.param, 'invalid_suites');
    return jobs.toBenchmarkApi(await jobs.createBenchmark(req.body));
  });
  app.get('/v1/benchmarks', { schema: { tags, summary: 'List benchmarks, newest first', querystring: ListQuery, response: { 200: BenchmarkList, ...errors } } }, async (req) => {
    const { rows, has_more } = jobs.store.list({ ...req.query, benchmarks: true });
    return { object: 'list' as const, data: rows.map((r) => jobs.toBenchmarkApi(r)), has_more };
  });
  // A run's files (CSV, JSON, the two PNG plots), by artifact name: the path comes from the run's own
  // results and must lie inside its benchmark folder. Also serves the benchmark that followed a job.
  app.get(
    '/v1/benchmarks/:benchmark_id/artifacts/:name',
    { schema: { tags, summary: "Download a benchmark's result file (its id or the fine-tuning job's id)", params: BenchmarkArtifactParams, response: { 200: z.string().meta({ format: 'binary' }), ...errors } } },
    async (req, reply) => {
      const { benchmark_id: id, name } = req.params;
      const row = jobs.store.get(id);
      if (!row || !row.benchmark_status) throw notFound('benchmark', id, 'benchmark_id');
      const artifacts = (JSON.parse(row.benchmark_results ?? '{}') as { artifacts?: Record<string, unknown> }).artifacts ?? {};
      const path = artifacts[name];
      const missing = () => notFound('benchmark artifact', `${id}/${name}`, 'name');
      if (typeof path !== 'string') throw missing();
      let real: string;
      let dir: string;
      try {
        [real, dir] = await Promise.all([realpath(path), realpath(join(jobs.jobDir(id), 'benchmark'))]);
      } catch {
        throw missing();
      }
      if (!real.startsWith(dir + sep)) throw missing();
      const info = await stat(real);
      if (!info.isFile()) throw missing();
      reply
        .header('content-type', TYPES[extname(real)] ?? 'application/octet-stream')
        .header('content-length', info.size)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(`${id}-${basename(real)}`)}`);
      return reply.send(createReadStream(real) as unknown as string);
    },
  );
  app.get('/v1/benchmarks/:benchmark_id', { schema: { tags, summary: 'Retrieve a benchmark', params: Params, response: { 200: Benchmark, ...errors } } }, async (req) =>
    get(req.params.benchmark_id),
  );
};
