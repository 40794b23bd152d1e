"""MLflow logging from rank 0: one experiment per (base model, dataset), one run per job.

Failures never stop training: they become warning events."""

from __future__ import annotations

import contextlib
import json
import os
import time


def default_experiment_name(model: str, dataset_digest: str) -> str:
    return f"hone/{os.path.basename(model.rstrip('/'))}/{dataset_digest[:12]}"


class MlflowLogger:
    def __init__(self, tracking_uri: str, experiment_name: str, run_name: str, state_file: str, warn):
        self.warn = warn
        self.state_file = state_file
        self.run_id = None
        self._failed = False
        try:
            import mlflow
            from mlflow.tracking import MlflowClient

            self.mlflow = mlflow
            mlflow.set_tracking_uri(tracking_uri)
            self.client = MlflowClient(tracking_uri)
            exp = self.client.get_experiment_by_name(experiment_name)
            exp_id = exp.experiment_id if exp else self.client.create_experiment(experiment_name)
            previous = self._previous_run()
            if previous:
                self.run_id = previous
                self.client.update_run(previous, status="RUNNING")
            else:
                self.run_id = self.client.create_run(exp_id, run_name=run_name).info.run_id
                with open(state_file, "w") as fh:
                    json.dump({"run_id": self.run_id, "tracking_uri": tracking_uri}, fh)
        except Exception as e:  # noqa: BLE001 - tracking must not kill training
            self._fail(e)

    def _previous_run(self) -> str | None:
        try:
            with open(self.state_file) as fh:
                return json.load(fh)["run_id"]
        except (OSError, ValueError, KeyError):
            return None

    def _fail(self, e: Exception) -> None:
        if not self._failed:
            self.warn(f"MLflow logging disabled after an error: {e}", "mlflow_error")
        self._failed = True

    @property
    def active(self) -> bool:
        return self.run_id is not None and not self._failed

    def log_params(self, params: dict) -> None:
        if not self.active:
            return
        try:
            from mlflow.entities import Param

            existing = self.client.get_run(self.run_id).data.params
            fresh = [Param(k, str(v)[:6000]) for k, v in params.items() if k not in existing]
            if fresh:
                self.client.log_batch(self.run_id, params=fresh)
        except Exception as e:  # noqa: BLE001
            self._fail(e)

    def set_tags(self, tags: dict) -> None:
        if not self.active:
            return
        try:
            from mlflow.entities import RunTag

            self.client.log_batch(self.run_id, tags=[RunTag(k, str(v)) for k, v in tags.items()])
        except Exception as e:  # noqa: BLE001
            self._fail(e)

    def log_dataset(self, name: str, path: str, digest: str, n_examples: int, context: str) -> None:
        if not self.active:
            return
        try:
            import warnings

            from mlflow.data.dataset_source_registry import resolve_dataset_source
            from mlflow.data.meta_dataset import MetaDataset
            from mlflow.entities import DatasetInput, InputTag

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                source = resolve_dataset_source(path)
            ds = MetaDataset(source=source, name=name, digest=digest[:36])
            self.client.log_inputs(self.run_id, [
                DatasetInput(ds._to_mlflow_entity(), tags=[InputTag("mlflow.data.context", context)])])
        except Exception as e:  # noqa: BLE001 - the digest is also a param, so this is best effort
            self.warn(f"MLflow dataset input not logged: {e}", "mlflow_error")

    def log_metrics(self, metrics: dict, step: int) -> None:
        if not self.active:
            return
        try:
            from mlflow.entities import Metric

            now = int(time.time() * 1000)
            batch = [Metric(k, float(v), now, step) for k, v in metrics.items() if isinstance(v, (int, float))]
            if batch:
                self.client.log_batch(self.run_id, metrics=batch)
        except Exception as e:  # noqa: BLE001
            self._fail(e)

    def log_artifact(self, path: str, artifact_path: str | None = None) -> None:
        if not self.active or not os.path.exists(path):
            return
        try:
            self.client.log_artifact(self.run_id, path, artifact_path)
        except Exception as e:  # noqa: BLE001
            self._fail(e)

    def end(self, status: str) -> None:
        if self.run_id is None:
            return
        with contextlib.suppress(Exception):  # best effort: the run's results are already logged
            self.client.set_terminated(self.run_id, status=status)
