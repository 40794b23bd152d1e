/**
 * Links into MLflow: the in-app route of the Experiments view at a job's run, and the MLflow UI's
 * own (hash-routed) location for an experiment and run.
 */

/**
 * The in-app route that opens the Experiments view at a job's MLflow run (`job.hone.mlflow` or a
 * benchmark's `mlflow`: `experiment_id`, `train_run_id`, `benchmark_run_id`), or null when the job
 * has no MLflow experiment (MLflow off, or the job has not started).
 */
export function experimentLink(mlflow: unknown, which: 'train' | 'benchmark' = 'train'): string | null {
  if (!mlflow || typeof mlflow !== 'object') return null;
  const m = mlflow as Record<string, unknown>;
  if (typeof m.experiment_id !== 'string' || m.experiment_id === '') return null;
  const run = m[which === 'train' ? 'train_run_id' : 'benchmark_run_id'];
  return `/experiments?experiment=${encodeURIComponent(m.experiment_id)}${typeof run === 'string' && run ? `&run=${encodeURIComponent(run)}` : ''}`;
}

/** MLflow ids are numbers (experiments) and hex (runs); anything else is not put into a URL. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** MLflow 3 opens experiments in its GenAI (traces) layout unless told otherwise; Hone's runs are model training. */
const TRAINING_VIEW = '?workflowType=machine_learning';

/**
 * The MLflow UI at an experiment and run: `<base>#/experiments/<id>/runs/<run>`, the experiment,
 * or the experiment list when no (valid) id is given. `base` is '/mlflow/' or a remote server's URL.
 */
export function mlflowUiUrl(base: string, experiment?: string | null, run?: string | null): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  if (!experiment || !SAFE_ID.test(experiment)) return `${root}#/experiments`;
  if (!run || !SAFE_ID.test(run)) return `${root}#/experiments/${experiment}${TRAINING_VIEW}`;
  return `${root}#/experiments/${experiment}/runs/${run}${TRAINING_VIEW}`;
}
