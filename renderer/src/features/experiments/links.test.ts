import { describe, expect, it } from 'vitest';
import { experimentLink, mlflowUiUrl } from './links';

describe('experiment links', () => {
  it('routes to the Experiments view at a job run', () => {
    const m = { tracking_uri: 'http://127.0.0.1:5000/mlflow', experiment_id: '3', train_run_id: 'abc123', benchmark_run_id: 'def456' };
    expect(experimentLink(m)).toBe('/experiments?experiment=3&run=abc123');
    expect(experimentLink(m, 'benchmark')).toBe('/experiments?experiment=3&run=def456');
    expect(experimentLink({ experiment_id: '3' }, 'benchmark')).toBe('/experiments?experiment=3');
    expect(experimentLink(null)).toBeNull();
    expect(experimentLink({ experiment_id: '' })).toBeNull();
  });

  it("builds MLflow's hash routes, refusing ids that are not ids", () => {
    expect(mlflowUiUrl('/mlflow/', '3', 'abc123')).toBe('/mlflow/#/experiments/3/runs/abc123?workflowType=machine_learning');
    expect(mlflowUiUrl('/mlflow/', '3')).toBe('/mlflow/#/experiments/3?workflowType=machine_learning');
    expect(mlflowUiUrl('https://mlflow.example.com', null)).toBe('https://mlflow.example.com/#/experiments');
    expect(mlflowUiUrl('/mlflow/', '3/../../x', 'r')).toBe('/mlflow/#/experiments');
    expect(mlflowUiUrl('/mlflow/', '3', 'a b')).toBe('/mlflow/#/experiments/3?workflowType=machine_learning');
  });
});
