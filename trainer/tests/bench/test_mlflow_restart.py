import json
import threading
import time
import urllib.request

from conftest import free_port, start_mlflow, stop_mlflow

from hone_trainer.bench.mlflow_bench import BenchmarkRun
from hone_trainer.bench.spec import MlflowSettings


def test_logging_continues_after_the_mlflow_server_is_restarted(tmp_path):
    """The core restarts a dead tracking server; the benchmark keeps retrying until it is back."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_mlflow(tmp_path, port)
    warnings = []
    run = BenchmarkRun(MlflowSettings(tracking_uri=url, experiment_name="restart-test"), "ftjob-r",
                       {"hone.run_type": "benchmark"}, lambda m, c: warnings.append(c), retry_seconds=90)
    run.log_metrics({"before/x": 1.0})
    stop_mlflow(proc)  # the server dies mid-run
    restarted = {}

    def restart():
        time.sleep(3)
        restarted["proc"] = start_mlflow(tmp_path, port)  # same port, same sqlite store, as the core does

    t = threading.Thread(target=restart)
    t.start()
    try:
        run.log_metrics({"after/x": 2.0})  # blocks in the retry loop until the new server answers
        run.end("FINISHED")
    finally:
        t.join()
    try:
        assert "mlflow_retry" in warnings
        with urllib.request.urlopen(f"{url}/api/2.0/mlflow/runs/get?run_id={run.run_id}", timeout=30) as r:
            data = json.loads(r.read())["run"]
        metrics = {m["key"]: m["value"] for m in data["data"]["metrics"]}
        assert metrics == {"before/x": 1.0, "after/x": 2.0} and data["info"]["status"] == "FINISHED"
    finally:
        stop_mlflow(restarted["proc"])
