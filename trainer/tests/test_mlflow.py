import hashlib
import os
import time

import pytest
from conftest import assert_events_valid


def test_run_lands_in_a_real_mlflow_server(make_job, memo_file, mlflow_server, tmp_path):
    from mlflow.tracking import MlflowClient

    job = make_job(memo_file, hyperparameters={"n_epochs": 2, "batch_size": 1},
                   mlflow={"tracking_uri": mlflow_server})  # experiment and run names by default rule
    assert job.run() == 0, job.console
    assert_events_valid(job)
    digest = hashlib.sha256(memo_file.read_bytes()).hexdigest()

    client = MlflowClient(mlflow_server)
    exp = client.get_experiment_by_name(f"hone/hone-tiny-llama/{digest[:12]}")
    assert exp is not None
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert run.info.run_name.startswith("ftjob-job ") and run.info.status == "FINISHED"
    p = run.data.params
    assert p["n_epochs"] == "2" and p["batch_size"] == "1" and p["lora_r"] == "16"
    assert p["dataset_digest"] == digest and p["model"] == "hone-tiny-llama" and p["job_id"] == "ftjob-job"
    assert float(p["learning_rate"]) == pytest.approx(2e-3)

    history = client.get_metric_history(run.info.run_id, "train_loss")
    assert sorted(m.step for m in history) == [1, 2, 3, 4, 5, 6]
    progress = {e["step"]: e["train_loss"] for e in job.of("progress")}
    assert {m.step: m.value for m in history} == pytest.approx(progress)
    assert len(client.get_metric_history(run.info.run_id, "learning_rate")) == 6

    top = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert "results.csv" in top and "adapter" in top
    assert [a.path for a in client.list_artifacts(run.info.run_id, "adapter")] == ["adapter/adapter_config.json"]
    local = client.download_artifacts(run.info.run_id, "results.csv", str(tmp_path))
    with open(local) as fh:
        assert fh.read() == (job.output / "results.csv").read_text()

    inputs = client.get_run(run.info.run_id).inputs.dataset_inputs
    assert inputs and inputs[0].dataset.digest == digest[:36]


def test_explicit_names_and_resume_reuse_the_run(make_job, memo_file, mlflow_server):
    from mlflow.tracking import MlflowClient

    job = make_job(memo_file, hyperparameters={"n_epochs": 4, "batch_size": 1},
                   mlflow={"tracking_uri": mlflow_server, "experiment_name": "hone-test", "run_name": "ftjob-x run"})
    proc = job.run(background=True)
    deadline = time.time() + 120
    while not any(e["type"] == "progress" and e["step"] >= 2 for e in job.events()):
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.05)
    open(job.spec["stop_file"], "w").close()
    assert proc.wait(timeout=120) == 3
    os.remove(job.spec["stop_file"])
    job.spec["resume"] = True
    job.write()
    assert job.run() == 0, job.console

    client = MlflowClient(mlflow_server)
    exp = client.get_experiment_by_name("hone-test")
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1 and runs[0].info.run_name == "ftjob-x run" and runs[0].info.status == "FINISHED"
    steps = [m.step for m in client.get_metric_history(runs[0].info.run_id, "train_loss")]
    assert max(steps) == 12 and set(range(1, 13)) <= set(steps)
