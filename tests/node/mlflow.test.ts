import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import { startTestServer, type TestServer } from './helpers/server.js';
import { chatJsonl } from './helpers/datasets.js';
import { waitFor } from './helpers/wait.js';

/** The managed MLflow server, for real: started on demand, runs asserted through MLflow's REST API. */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { mlflow: 'local', trainerEnv: { HF_HUB_OFFLINE: '1' } });
});
afterAll(async () => s.stop());

interface MlflowLinks {
  tracking_uri: string;
  experiment_id: string;
  experiment_name: string;
  experiment_url: string;
  train_run_id: string;
  train_run_url: string;
}

const mlflowOf = async (id: string) => ((await s.client.fineTuning.jobs.retrieve(id)) as unknown as { hone: { mlflow: MlflowLinks | null } }).hone.mlflow;

async function history(uri: string, runId: string, key: string): Promise<Array<{ step: number; value: number }>> {
  const r = await fetch(`${uri}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=10000`);
  return ((await r.json()) as { metrics?: Array<{ step: number; value: number }> }).metrics ?? [];
}

/** Every artifact path of a run, folders walked. */
async function artifactPaths(uri: string, runId: string, path = ''): Promise<string[]> {
  const r = (await (await fetch(`${uri}/api/2.0/mlflow/artifacts/list?run_id=${runId}${path ? `&path=${encodeURIComponent(path)}` : ''}`)).json()) as {
    files?: Array<{ path: string; is_dir: boolean }>;
  };
  const out: string[] = [];
  for (const f of r.files ?? []) out.push(...(f.is_dir ? await artifactPaths(uri, runId, f.path) : [f.path]));
  return out;
}

describe('MLflow monitoring', () => {
  it('a job gets an experiment per (model, dataset), a training run and a benchmark run (lm-eval + needle, base vs fine-tuned)', async () => {
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(12)), 'memo.jsonl'), purpose: 'fine-tune' });
    // A small benchmark grid keeps the test short; the harness and needle code paths are the real ones.
    const hone = { benchmarks: { lm_eval: { limit: 4 }, needle: { context_lengths: [256], depths: [0.5], chunk_counts: [2], max_new_tokens: 8 } } };
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 3, batch_size: 4 }, hone } as never);
    const done = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => ['succeeded', 'failed'].includes(j.status), 300_000, 'job end');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const m = (await mlflowOf(job.id))!;
    expect(m.experiment_name).toMatch(/^hone\/hone-tiny-llama\/memo\.jsonl \([0-9a-f]{12}\)$/);
    expect(m.train_run_url).toBe(`${m.tracking_uri}/#/experiments/${m.experiment_id}/runs/${m.train_run_id}`);

    const run = (await (await fetch(`${m.tracking_uri}/api/2.0/mlflow/runs/get?run_id=${m.train_run_id}`)).json()) as {
      run: { info: { experiment_id: string; run_name: string; status: string }; data: { params: Array<{ key: string; value: string }> } };
    };
    expect(run.run.info.experiment_id).toBe(m.experiment_id);
    expect(run.run.info.run_name.startsWith(`${job.id} train `)).toBe(true);
    expect(run.run.info.status).toBe('FINISHED');
    expect(run.run.data.params.find((p) => p.key === 'n_epochs')?.value).toBe('3');
    const loss = await history(m.tracking_uri, m.train_run_id, 'train_loss');
    expect(loss.length).toBeGreaterThan(2);
    const arts = (await (await fetch(`${m.tracking_uri}/api/2.0/mlflow/artifacts/list?run_id=${m.train_run_id}`)).json()) as { files?: Array<{ path: string }> };
    expect((arts.files ?? []).map((f) => f.path)).toContain('results.csv');

    // The benchmark step: the job's console and events show it, results sit on the job, and a
    // second MLflow run in the same experiment holds the scores and artifacts.
    type Bench = { status: string; metrics?: Record<string, Record<string, number>>; deltas?: Record<string, number>; artifacts?: Record<string, string>; error?: string };
    const benchOf = async () => ((await s.client.fineTuning.jobs.retrieve(job.id)) as unknown as { hone: { benchmark: Bench | null } }).hone.benchmark;
    const bench = (await waitFor(benchOf, (b) => b !== null && b.status !== 'running', 600_000, 'benchmarks'))!;
    expect(bench.status, JSON.stringify(bench)).toBe('succeeded');
    const ft = bench.metrics!['fine-tuned']!;
    expect(Object.keys(ft).some((k) => k.startsWith('lm_eval/'))).toBe(true);
    expect(typeof ft['needle/score']).toBe('number');
    expect(Object.keys(bench.metrics!.base ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(bench.deltas ?? {}).length).toBeGreaterThan(0);
    const m2 = (await mlflowOf(job.id)) as MlflowLinks & { benchmark_run_id: string };
    expect(m2.benchmark_run_id).toBeTruthy();
    const brun = (await (await fetch(`${m2.tracking_uri}/api/2.0/mlflow/runs/get?run_id=${m2.benchmark_run_id}`)).json()) as {
      run: { info: { experiment_id: string }; data: { metrics: Array<{ key: string; value: number }> } };
    };
    expect(brun.run.info.experiment_id).toBe(m.experiment_id);
    const keys = brun.run.data.metrics.map((x) => x.key);
    expect(keys.some((k) => k.startsWith('fine-tuned/lm_eval/'))).toBe(true);
    expect(keys).toContain('fine-tuned/needle/score');
    expect(keys.some((k) => k.startsWith('delta/'))).toBe(true);
    const paths = await artifactPaths(m2.tracking_uri, m2.benchmark_run_id);
    for (const f of ['results.json', 'comparison.csv', 'needle_grid.csv', 'needle_context_length.png', 'needle_chunks.png']) {
      expect(paths.some((p) => p.endsWith(f)), `${f} in ${paths.join(', ')}`).toBe(true);
    }

    // The same model and dataset again: the same experiment.
    const again = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1 }, hone: { benchmarks: false } } as never);
    await waitFor(() => s.client.fineTuning.jobs.retrieve(again.id), (j) => ['succeeded', 'failed'].includes(j.status), 300_000, 'second job');
    expect((await mlflowOf(again.id))!.experiment_id).toBe(m.experiment_id);
  }, 900_000);

  it('a killed MLflow server is restarted and the running job keeps logging', async () => {
    const file = await s.client.files.create({ file: await toFile(Buffer.from(chatJsonl(30)), 'long.jsonl'), purpose: 'fine-tune' });
    const job = await s.client.fineTuning.jobs.create({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 3, batch_size: 2 }, hone: { benchmarks: false } } as never);
    const links = await waitFor(() => mlflowOf(job.id), (m) => !!m?.train_run_id, 180_000, 'training run');
    await waitFor(() => history(links!.tracking_uri, links!.train_run_id, 'train_loss'), (h) => h.length >= 2, 180_000, 'first metrics');
    const pid = s.core.mlflow!.pid!;
    const before = s.core.mlflow!.restartCount;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => s.core.mlflow!.restartCount, (n) => n > before, 30_000, 'restart');
    const uri = await s.core.mlflow!.uri(); // healthy again, on the same port
    expect(uri).toBe(links!.tracking_uri);
    const done = await waitFor(() => s.client.fineTuning.jobs.retrieve(job.id), (j) => ['succeeded', 'failed'].includes(j.status), 400_000, 'job end');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const loss = await history(uri, links!.train_run_id, 'train_loss');
    // Steps logged after the restart reached the same run, up to the last one.
    const total = (done as unknown as { hone: { total_steps: number } }).hone.total_steps;
    expect(Math.max(...loss.map((p) => p.step))).toBeGreaterThanOrEqual(total - 1);
  }, 900_000);

  it('benchmarks any model on demand through POST /v1/benchmarks, queued like jobs, logged to MLflow', async () => {
    const small = { lm_eval: { limit: 3 }, needle: { context_lengths: [256], depths: [0.5], chunk_counts: [2], max_new_tokens: 8 } };
    const res = await s.api('/v1/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'hone-tiny-llama', suites: small }) });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { id: string; object: string; status: string };
    expect(created.object).toBe('benchmark');
    expect(['queued', 'running']).toContain(created.status);
    type B = { status: string; results: { status: string; metrics: Record<string, Record<string, number>> } | null; mlflow: { experiment_name: string } | null };
    const done = await waitFor(async () => (await (await s.api(`/v1/benchmarks/${created.id}`)).json()) as B, (b) => ['succeeded', 'failed'].includes(b.status), 600_000, 'benchmark');
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(typeof done.results!.metrics.base!['needle/score']).toBe('number');
    expect(done.mlflow!.experiment_name).toBe('hone/hone-tiny-llama/benchmarks');
    // Listed as a benchmark, not as a fine-tuning job; its events are the job events.
    const list = (await (await s.api('/v1/benchmarks')).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((b) => b.id)).toContain(created.id);
    expect((await s.client.fineTuning.jobs.list({ limit: 100 })).data.map((j) => j.id)).not.toContain(created.id);
    const ev = (await s.client.fineTuning.jobs.listEvents(created.id, { limit: 100 })).data.map((e) => e.message);
    expect(ev.some((m) => m.startsWith('Benchmarks completed'))).toBe(true);
    expect((await s.api('/v1/benchmarks/bench-nope')).status).toBe(404);
    const bad = await s.api('/v1/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'ft:nope:hone::x' }) });
    expect(bad.status).toBe(400);
  }, 700_000);
});
