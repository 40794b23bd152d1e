/**
 * On-demand benchmarks through the API with the real bench CLI on hone-tiny-llama: the results
 * the UI parses (shared schema), the per-cell needle report, and the artifacts route (streamed,
 * only files inside the run's own benchmark folder).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchmarkResults } from '../../electron/shared/schemas/benchmarks.js';
import { errorOf, startTestServer, type TestServer } from './helpers/server.js';
import { waitFor } from './helpers/wait.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.stop();
});

describe('benchmark results and artifacts', () => {
  it('refuses bad suite settings with a 400 naming the field, before anything is queued', async () => {
    const post = (body: unknown) => s.api('/v1/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const cases: Array<[unknown, string]> = [
      [{ needle: { depths: [0, 1.5] } }, 'suites.needle.depths'],
      [{ needle: { context_lengths: [] } }, 'suites.needle.context_lengths'],
      [{ lm_eval: { limit: 0 } }, 'suites.lm_eval.limit'],
      [{ lm_eval: { limti: 5 } }, 'suites.lm_eval.limti'],
      [{ lm_eval: false, needle: false }, 'suites'],
      [{ mmlu: true }, 'suites.mmlu'],
      [false, 'suites'],
    ];
    for (const [suites, param] of cases) {
      const e = await errorOf(await post({ model: 'hone-tiny-llama', suites }));
      expect([e.status, e.error.param], JSON.stringify(suites)).toEqual([400, param]);
    }
    expect((await errorOf(await post({ model: 'no-such-model-xyz' }))).error.param).toBe('model');
    const list = (await (await s.api('/v1/benchmarks')).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
  });


  it('stores the per-cell needle grid and lm-eval directions, and serves the run files', async () => {
    const suites = {
      lm_eval: { tasks: ['hone_knowledge_mc'], limit: 2 },
      needle: { context_lengths: [96, 160], depths: [0, 1], chunk_counts: [1], max_new_tokens: 6 },
    };
    const res = await s.api('/v1/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'hone-tiny-llama', suites }) });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    type B = { status: string; results: unknown };
    const done = await waitFor(async () => (await (await s.api(`/v1/benchmarks/${id}`)).json()) as B, (b) => ['succeeded', 'failed', 'cancelled'].includes(b.status), 300_000, 'benchmark');
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    const r = BenchmarkResults.parse(done.results);
    expect(r.status).toBe('succeeded');
    expect(r.report?.errors).toEqual({});
    expect(r.report?.lm_eval?.samples).toEqual({ hone_knowledge_mc: 2 });
    expect(r.report?.lm_eval?.higher_is_better['lm_eval/hone_knowledge_mc/acc']).toBe(true);
    const cells = r.report!.needle!.cells;
    expect(cells.map((c) => [c.mode, c.x, c.depth])).toEqual([['context', 96, 0], ['context', 96, 1], ['context', 160, 0], ['context', 160, 1], ['chunks', 1, 0], ['chunks', 1, 1]]);
    for (const x of [96, 160]) {
      const mean = cells.filter((c) => c.mode === 'context' && c.x === x).reduce((a, c) => a + c.score, 0) / 2;
      expect(r.metrics.base![`needle/context_${x}/score`]).toBeCloseTo(mean, 9);
    }

    const png = await s.api(`/v1/benchmarks/${id}/artifacts/needle_context_plot`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(Number(png.headers.get('content-length'))).toBe(bytes.length);
    const json = (await (await s.api(`/v1/benchmarks/${id}/artifacts/results_json`)).json()) as { metrics: unknown };
    expect(json.metrics).toEqual(r.metrics);

    // Bad input: 4xx envelopes naming the parameter.
    const badName = await errorOf(await s.api(`/v1/benchmarks/${id}/artifacts/spec`));
    expect(badName.status).toBe(400);
    expect(badName.error.param).toBe('name');
    const unknown = await errorOf(await s.api('/v1/benchmarks/bench-nope/artifacts/results_json'));
    expect([unknown.status, unknown.error.param]).toEqual([404, 'benchmark_id']);
    // A path outside the run's benchmark folder is never served, even if the stored results name it.
    const outside = join(s.dataDir, 'secret.txt');
    writeFileSync(outside, 'secret');
    s.core.jobs.store.update(id, { benchmark_results: JSON.stringify({ ...(done.results as object), artifacts: { results_json: outside, comparison_csv: join(s.dataDir, 'jobs', id, 'benchmark', '..', 'console.log') } }) });
    for (const name of ['results_json', 'comparison_csv', 'needle_grid_csv']) {
      const e = await errorOf(await s.api(`/v1/benchmarks/${id}/artifacts/${name}`));
      expect([e.status, e.error.param]).toEqual([404, 'name']);
    }
  }, 320_000);
});
