"""The benchmark run in MLflow: metrics for fine-tuned, base and deltas, results as artifacts.

Every call is retried on errors for up to ``retry_seconds``: the core restarts a dead local server,
so logging picks up again once it is back."""

from __future__ import annotations

import os
import time

from hone_trainer.bench.spec import MlflowSettings

# Fail fast inside MLflow's own HTTP layer; the loop below does the waiting.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "15")


def _permanent(e: Exception) -> bool:
    """Errors the server answered with (bad request, not found) will not get better by waiting."""
    code = getattr(e, "error_code", None)
    return code in {"INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST", "RESOURCE_ALREADY_EXISTS",
                    "PERMISSION_DENIED", "UNAUTHENTICATED"} and "Max retries" not in str(e)


class BenchmarkRun:
    def __init__(self, settings: MlflowSettings, run_name: str, tags: dict, warn, retry_seconds: float = 60.0):
        from mlflow.tracking import MlflowClient

        self.warn = warn
        self.retry_seconds = retry_seconds
        self.client = MlflowClient(settings.tracking_uri)
        self.tracking_uri = settings.tracking_uri
        exp = self._call(self.client.get_experiment_by_name, settings.experiment_name)
        if exp is None:
            try:
                exp_id = self._call(self.client.create_experiment, settings.experiment_name)
            except Exception:  # noqa: BLE001 - created concurrently by the training run
                exp_id = self._call(self.client.get_experiment_by_name, settings.experiment_name).experiment_id
        else:
            exp_id = exp.experiment_id
        self.experiment_id = exp_id
        self.run_id = self._call(self.client.create_run, exp_id, run_name=run_name, tags=tags).info.run_id

    def _call(self, fn, *args, **kwargs):
        deadline = time.monotonic() + self.retry_seconds
        delay, warned = 0.5, False
        while True:
            try:
                return fn(*args, **kwargs)
            except Exception as e:
                if _permanent(e) or time.monotonic() + delay > deadline:
                    raise
                if not warned:
                    self.warn(f"MLflow unreachable ({type(e).__name__}); retrying for up to "
                              f"{self.retry_seconds:.0f}s", "mlflow_retry")
                    warned = True
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def log_metrics(self, metrics: dict[str, float]) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        batch = [Metric(k, float(v), now, 0) for k, v in sorted(metrics.items()) if isinstance(v, (int, float))]
        for i in range(0, len(batch), 500):  # log_batch accepts at most 1000 metrics
            self._call(self.client.log_batch, self.run_id, metrics=batch[i:i + 500])

    def log_params(self, params: dict) -> None:
        from mlflow.entities import Param

        self._call(self.client.log_batch, self.run_id,
                   params=[Param(k, str(v)[:6000]) for k, v in params.items()])

    def log_artifact(self, path: str, artifact_path: str | None = None) -> None:
        self._call(self.client.log_artifact, self.run_id, path, artifact_path)

    def end(self, status: str) -> None:
        try:
            self._call(self.client.set_terminated, self.run_id, status=status)
        except Exception as e:  # noqa: BLE001
            self.warn(f"MLflow run not closed: {e}", "mlflow_error")
