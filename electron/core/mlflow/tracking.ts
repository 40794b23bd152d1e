import { basename } from 'node:path';

/** Names and links in MLflow: one experiment per (base model, dataset), runs named after the job. */
export function experimentName(model: string, datasetFilename: string, datasetSha256: string): string {
  return `hone/${basename(model.replace(/\/+$/, ''))}/${datasetFilename} (${datasetSha256.slice(0, 12)})`;
}

export function runName(jobId: string, kind: 'train' | 'benchmark', at = new Date()): string {
  return `${jobId} ${kind} ${at.toISOString().replace(/\.\d+Z$/, 'Z')}`;
}

/** Gets or creates an experiment through the REST API; returns its id. */
export async function ensureExperiment(uri: string, name: string): Promise<string> {
  const get = await fetch(`${uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
  if (get.ok) return ((await get.json()) as { experiment: { experiment_id: string } }).experiment.experiment_id;
  const created = await fetch(`${uri}/api/2.0/mlflow/experiments/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  // Another job may have created it meanwhile.
  if (!created.ok && (await created.clone().text()).includes('RESOURCE_ALREADY_EXISTS')) return ensureExperiment(uri, name);
  if (!created.ok) throw new Error(`MLflow refused to create experiment '${name}': ${created.status} ${await created.text()}`);
  return ((await created.json()) as { experiment_id: string }).experiment_id;
}

export const experimentUrl = (uri: string, experimentId: string) => `${uri}/#/experiments/${experimentId}`;
export const runUrl = (uri: string, experimentId: string, runId: string) => `${uri}/#/experiments/${experimentId}/runs/${runId}`;
