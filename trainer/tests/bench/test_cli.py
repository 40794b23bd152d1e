import csv
import json
import time
import urllib.parse
import urllib.request

from .conftest import TINY_NEEDLE, assert_bench_events_valid


def _get(url: str, endpoint: str, **params) -> dict:
    with urllib.request.urlopen(f"{url}/api/2.0/mlflow/{endpoint}?{urllib.parse.urlencode(params)}", timeout=30) as r:
        return json.loads(r.read())


def _post(url: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(f"{url}/api/2.0/mlflow/{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_cli_end_to_end_with_adapter_mlflow_and_base_cache(make_bench, adapter_dir, mlflow_server, judge_server):
    judge = judge_server("fair")
    needle = {**TINY_NEEDLE, "judge": {"base_url": judge.base_url, "api_key": "k", "model": "test-judge"}}
    mlflow = {"tracking_uri": mlflow_server, "experiment_name": "hone/hone-tiny-llama/bench-test", "run_name": None}
    job = make_bench("e2e", adapter_path=adapter_dir, mlflow=mlflow,
                     suites={"lm_eval": {"tasks": "default", "limit": 2, "num_fewshot": None, "batch_size": 1},
                             "needle": needle})
    t0 = time.time()
    assert job.run() == 0, job.console
    first_seconds = time.time() - t0
    events = assert_bench_events_valid(job)
    assert events[0]["type"] == "started" and events[0]["compare_base"] is True
    results = {(e["suite"], e["model"]): e for e in job.of("suite_result")}
    assert set(results) == {("lm_eval", "fine-tuned"), ("lm_eval", "base"), ("needle", "fine-tuned"),
                            ("needle", "base")}
    assert not any(e["cached"] for e in results.values())
    done = job.of("completed")[0]
    assert done["failed_suites"] == [] and done["mlflow_run_id"]
    ft, base = done["metrics"]["fine-tuned"], done["metrics"]["base"]
    assert "lm_eval/hone_knowledge_mc/acc" in ft and "needle/geval_correctness" in ft
    assert set(done["deltas"]) == set(ft) & set(base)
    for k, d in done["deltas"].items():
        assert abs(d - (ft[k] - base[k])) < 1e-9
    out = job.root / "out"
    rows = list(csv.DictReader((out / "comparison.csv").read_text().splitlines()))
    assert {r["metric"] for r in rows} == set(ft) | set(base)
    assert len(list(csv.DictReader((out / "needle_grid.csv").read_text().splitlines()))) == 16  # 8 cells x 2 models
    assert (out / "needle_context_length.png").read_bytes()[:4] == b"\x89PNG"
    assert json.loads((out / "results.json").read_text())["deltas"] == done["deltas"]

    # MLflow, through its REST API: a benchmark run named after the job, tagged, with all metrics + files
    exp = _get(mlflow_server, "experiments/get-by-name", experiment_name=mlflow["experiment_name"])["experiment"]
    runs = _post(mlflow_server, "runs/search", {"experiment_ids": [exp["experiment_id"]],
                                                 "filter": "tags.`hone.run_type` = 'benchmark'"})["runs"]
    assert len(runs) == 1
    run = runs[0]
    assert run["info"]["run_id"] == done["mlflow_run_id"] and run["info"]["run_name"] == "ftjob-e2e"
    assert run["info"]["status"] == "FINISHED"
    tags = {t["key"]: t["value"] for t in run["data"]["tags"]}
    assert tags["hone.job_id"] == "ftjob-e2e"
    metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
    for k, v in ft.items():
        assert abs(metrics[f"fine-tuned/{k}"] - v) < 1e-9
    for k, v in base.items():
        assert abs(metrics[f"base/{k}"] - v) < 1e-9
    assert {f"delta/{k}" for k in done["deltas"]} <= set(metrics)
    files = {f["path"] for f in _get(mlflow_server, "artifacts/list", run_id=run["info"]["run_id"],
                                     path="benchmark")["files"]}
    assert {"benchmark/results.json", "benchmark/comparison.csv", "benchmark/needle_grid.csv",
            "benchmark/needle_context_length.png", "benchmark/needle_chunks.png"} <= files

    # A second job with the same settings reuses the cached base results for both suites.
    judge_calls = len(judge.requests)
    job2 = make_bench("e2e-again", adapter_path=adapter_dir, mlflow=None, suites=job.spec["suites"])
    t0 = time.time()
    assert job2.run() == 0, job2.console
    second_seconds = time.time() - t0
    cached = {(e["suite"], e["model"]): e["cached"] for e in job2.of("suite_result")}
    assert cached == {("lm_eval", "fine-tuned"): False, ("lm_eval", "base"): True,
                      ("needle", "fine-tuned"): False, ("needle", "base"): True}
    assert job2.of("completed")[0]["metrics"]["base"] == base
    assert len(judge.requests) - judge_calls == 8  # only the fine-tuned grid was judged again
    assert second_seconds < first_seconds


def test_invalid_spec_exits_2_with_an_error_event(make_bench):
    job = make_bench("bad", suites={"needle": {**TINY_NEEDLE, "depths": [1.5]}})
    assert job.run_inprocess() == 2
    err = job.of("error")[0]
    assert err["code"] == "invalid_spec" and "depths" in err["message"]
    job = make_bench("bad2", adapter_path="/nonexistent/adapter")
    assert job.run_inprocess() == 2
    assert "adapter_config.json" in job.of("error")[0]["message"]


def test_a_failing_suite_is_reported_and_the_other_still_runs(make_bench):
    job = make_bench("partial", compare_base=False,
                     suites={"lm_eval": {"tasks": ["no_such_task_xyz"], "limit": 1, "num_fewshot": None,
                                         "batch_size": 1},
                             "needle": {**TINY_NEEDLE, "context_lengths": [96], "chunk_counts": [1],
                                        "depths": [0.5]}})
    assert job.run_inprocess() == 0
    assert_bench_events_valid(job)
    errors = job.of("error")
    assert [e["code"] for e in errors] == ["lm_eval_failed"] and "no_such_task_xyz" in errors[0]["message"]
    done = job.of("completed")[0]
    assert done["failed_suites"] == ["lm_eval"] and "needle/score" in done["metrics"]["base"]
    assert done["deltas"] == {} and done["mlflow_run_id"] is None
