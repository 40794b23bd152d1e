/**
 * The Benchmarks views against the real server and bench CLI on hone-tiny-llama: the empty list,
 * the form with a server error next to its field, and a real on-demand benchmark of a fine-tuned
 * model started from the form, followed live to succeeded; its table, heatmaps and both plots
 * are checked cell by cell against the API's results.
 */
import { test, expect, openApp, look, uploadFile, api } from './fixtures';

type Cell = { model: string; mode: string; x: number; depth: number; score: number };
type Results = {
  status: string;
  metrics: Record<string, Record<string, number>>;
  deltas: Record<string, number>;
  report: { needle: { cells: Cell[] }; lm_eval: { samples: Record<string, number> } };
};

const MINUS = '\u2212';
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3)).replace('-', MINUS);
const fmtDelta = (d: number) => (Math.abs(d) <= 1e-9 ? `\u00b1${fmt(0)}` : d > 0 ? `+${fmt(d)}` : `${MINUS}${fmt(-d)}`);

const chat = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: `What is the code word number ${i % 4}?` },
      { role: 'assistant', content: `The code word is ${['apple', 'banana', 'cherry', 'damson'][i % 4]}.` },
    ],
  });

/** Starts the job that makes a fine-tuned model to compare with its base (set-up through the API; the wizard has its own spec). */
async function startFineTuning(): Promise<string> {
  const file = await uploadFile(`bench-train-${Date.now().toString(36)}.jsonl`, Array.from({ length: 12 }, (_, i) => chat(i)).join('\n') + '\n');
  const res = await api('/v1/fine_tuning/jobs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ training_file: file.id, model: 'hone-tiny-llama', hyperparameters: { n_epochs: 1, batch_size: 4 }, hone: { benchmarks: false } }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

async function fineTunedModel(jobId: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const job = (await (await api(`/v1/fine_tuning/jobs/${jobId}`)).json()) as { status: string; fine_tuned_model: string | null; error: unknown };
    if (job.status === 'succeeded' && job.fine_tuned_model) return job.fine_tuned_model;
    if (['failed', 'cancelled'].includes(job.status)) throw new Error(`set-up job ${job.status}: ${JSON.stringify(job.error)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('set-up job did not finish');
}

test.describe.serial('benchmarks', () => {
  test('the empty list says what a benchmark is and how to get one', async ({ page }) => {
    await openApp(page, '/benchmarks');
    await expect(page.getByRole('heading', { name: 'Benchmarks', level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No benchmark runs yet' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'New fine-tuning job' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Benchmark a model' })).toBeVisible();
    await look(page, 'benchmarks-empty');
  });

  test('the form shows the server’s error next to the field it names', async ({ page }) => {
    await openApp(page, '/benchmarks?model=hone-tiny-llama');
    const form = page.locator('form.bench-form');
    await expect(form.getByLabel('Model')).toHaveValue('hone-tiny-llama');
    await form.getByLabel('Needle depths').fill('0, 1.5');
    await form.getByRole('button', { name: 'Start benchmark' }).click();
    const depths = form.getByLabel('Needle depths');
    await expect(depths).toHaveAttribute('aria-invalid', 'true');
    await expect(depths).toHaveAccessibleDescription(/depths are between 0 and 1/);
    // Nothing was queued.
    expect(((await (await api('/v1/benchmarks')).json()) as { data: unknown[] }).data).toEqual([]);
    await look(page, 'benchmarks-form-error');
    // Text that is not a number is caught before sending, next to its field too.
    await depths.fill('0, 1');
    await form.getByLabel('Context lengths').fill('96, lots');
    await form.getByRole('button', { name: 'Start benchmark' }).click();
    await expect(form.getByLabel('Context lengths')).toHaveAccessibleDescription(/“lots” is not a number/);
    await expect(depths).not.toHaveAttribute('aria-invalid', 'true');
  });

  test('a real benchmark of a fine-tuned model: live to succeeded, results drawn from the data', async ({ page }) => {
    test.setTimeout(420_000);
    const jobId = await startFineTuning();
    for (let i = 0; i < 240 && ((await (await api(`/v1/fine_tuning/jobs/${jobId}`)).json()) as { status: string }).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 250));
    // While the job holds the CPU slot, a benchmark waits: its page says why, and it can be cancelled.
    const queued = (await (await api('/v1/benchmarks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'hone-tiny-llama' }) })).json()) as { id: string };
    await openApp(page, `/benchmarks/${queued.id}`);
    await expect(page.getByTestId('benchmark-status-badge')).toHaveText('Queued');
    await expect(page.getByTestId('benchmark-status')).toContainText(/Waiting: .+/);
    await expect(page.getByTestId('benchmark-results-empty')).toContainText('results appear when the benchmark completes');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel benchmark' }).click();
    await expect(page.getByTestId('benchmark-status-badge')).toHaveText('Cancelled');
    const ft = await fineTunedModel(jobId);
    await openApp(page, `/benchmarks?model=${encodeURIComponent(ft)}`);
    const form = page.locator('form.bench-form');
    await expect(form.getByLabel('Model')).toHaveValue(ft);
    // Small enough for a CPU run in under two minutes on a loaded 2-core box: two multiple-choice tasks
    // × 3 documents and 8 needle cells, per model (the generated-answer task costs most, so it stays out).
    await form.getByLabel('Tasks').fill('hone_knowledge_mc, hone_completion_mc');
    await form.getByLabel('Documents per task').fill('3');
    await form.getByLabel('Context lengths').fill('96, 192');
    await form.getByLabel('Needle depths').fill('0, 1');
    await form.getByLabel('Numbers of chunks').fill('1, 2');
    const t0 = Date.now();
    await form.getByRole('button', { name: 'Start benchmark' }).click();
    await expect(page).toHaveURL(/#\/benchmarks\/bench-/);
    const id = decodeURIComponent(page.url().split('/benchmarks/')[1]!);
    const badge = page.getByTestId('benchmark-status-badge');
    await expect(badge).toHaveText(/Queued|Running/);
    await expect(page.getByRole('heading', { name: `Benchmark of ${ft}` })).toBeVisible();
    // Running: the latest progress message of the current suite.
    await expect(page.getByTestId('benchmark-progress')).toHaveText(/^(lm_eval|needle) \d+\/\d+ — .+/, { timeout: 120_000 });
    // The status follows the run without a reload (live stream or the 10 s fallback).
    await expect(badge).toHaveText('Succeeded', { timeout: 300_000 });
    console.log(`benchmark ${id}: succeeded in the UI ${((Date.now() - t0) / 1000).toFixed(1)} s after submit`);

    const b = (await (await api(`/v1/benchmarks/${id}`)).json()) as { model: string; base_model: string; results: Results };
    expect([b.model, b.base_model]).toEqual([ft, 'hone-tiny-llama']);
    const r = b.results;
    const tuned = r.metrics['fine-tuned']!;
    const base = r.metrics.base!;

    // lm-eval table: one row per task and metric, base / fine-tuned / change as the API says.
    const lmKeys = Object.keys(tuned).filter((k) => k.startsWith('lm_eval/'));
    expect(lmKeys.length).toBe(4); // acc and acc_norm of each task
    const table = page.getByTestId('lm-eval-table');
    await expect(table.locator('tbody tr')).toHaveCount(lmKeys.length);
    for (const k of lmKeys) {
      const row = table.locator(`tr[data-key="${k}"]`);
      await expect(row.locator('[data-col="base"]')).toHaveText(fmt(base[k]!));
      await expect(row.locator('[data-col="fine-tuned"]')).toHaveText(fmt(tuned[k]!));
      const d = r.deltas[k]!;
      await expect(row.locator('[data-col="delta"]')).toContainText(fmtDelta(d));
      await expect(row.locator('[data-col="delta"]')).toContainText(Math.abs(d) <= 1e-9 ? 'no change' : d > 0 ? 'better' : 'worse');
    }
    await expect(table.getByText('3 documents').first()).toBeVisible();

    // Heatmaps: every cell of both models, as stored.
    const cells = r.report.needle.cells;
    expect(cells).toHaveLength(16); // (2 lengths + 2 chunk counts) × 2 depths × 2 models
    for (const c of cells) {
      const td = page.getByTestId(`heatmap-${c.mode}-${c.model}`).locator(`td[data-x="${c.x}"][data-depth="${c.depth}"]`);
      await expect(td).toHaveText(c.score.toFixed(2));
    }
    await expect(page.getByTestId('heatmap-context-fine-tuned').getByRole('columnheader', { name: '192' })).toBeVisible();

    // The two plots: drawn by uPlot (canvas + legend with both models) from the same data as the metrics.
    for (const [mode, xs] of [['context', [96, 192]], ['chunks', [1, 2]]] as const) {
      const fig = page.getByTestId(`needle-chart-${mode}`);
      await expect(fig.locator('canvas')).toHaveCount(1);
      await expect(fig.locator('.u-legend')).toContainText('fine-tuned');
      await expect(fig.locator('.u-legend')).toContainText('base');
      await fig.locator('summary').click();
      for (const x of xs) {
        for (const [label, m] of [['fine-tuned', tuned], ['base', base]] as const) {
          await expect(fig.locator(`td[data-model="${label}"][data-x="${x}"]`)).toHaveText(fmt(m[`needle/${mode}_${x}/score`]!));
        }
      }
    }
    // The run's files come from the artifacts route.
    await expect(page.getByRole('button', { name: 'needle_context_length.png' })).toBeVisible();
    await expect(page.getByTestId('benchmark-events')).toContainText('Benchmarks completed');
    await page.getByText('Console output').click();
    await expect(page.getByTestId('bench-console')).toContainText('[hone] needle');
    await look(page, 'benchmark-results');

    // The list: the run with its headline changes, linking to its page.
    await page.getByRole('link', { name: 'Benchmarks', exact: true }).first().click();
    const row = page.getByTestId('benchmark-runs').locator(`tr[data-run="${id}"]`);
    await expect(row).toContainText('Succeeded');
    await expect(row).toContainText('on demand');
    await expect(row.locator('.headlines li')).not.toHaveCount(0);
    await look(page, 'benchmarks-list');
    await row.getByRole('link', { name: ft }).click();
    await expect(page).toHaveURL(new RegExp(`#/benchmarks/${id}$`));
  });
});
