"""LM Evaluation Harness through its Python API (``lm_eval.simple_evaluate``) on the HF model,
with the job's PEFT adapter. Hub tasks on online GPU machines; Hone's own tasks offline."""

from __future__ import annotations

import json
import os
import urllib.request

from hone_trainer.bench.spec import LmEvalSuite

SUITE_VERSION = "lm_eval-1"
HUB_DEFAULT_TASKS = ["mmlu", "hellaswag", "arc_challenge", "gpqa_diamond_zeroshot"]
OFFLINE_DEFAULT_TASKS = ["hone_knowledge_mc", "hone_completion_mc", "hone_arithmetic_gen"]
_TRUTHY = {"1", "true", "yes", "on"}


def hub_offline(timeout: float = 3.0) -> bool:
    """Offline when HF_HUB_OFFLINE says so, or when the hub does not answer quickly."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY:
        return True
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    try:
        urllib.request.urlopen(urllib.request.Request(endpoint + "/api/health", method="HEAD"), timeout=timeout)
        return False
    except urllib.error.HTTPError:
        return False  # it answered, so it is reachable
    except Exception:  # noqa: BLE001 - DNS, refused, timeout: all mean offline
        return True


def hf_token() -> str | None:
    try:
        from huggingface_hub import get_token

        return get_token()
    except Exception:  # noqa: BLE001
        return os.environ.get("HF_TOKEN")


def pack_tasks() -> tuple[list[str], list[str]]:
    """(tasks, task-YAML folders) of the benchmark packs the core imported (their datasets are in
    this machine's HF caches, so they run offline); the core names its record in HONE_BENCHMARK_PACKS."""
    path = os.environ.get("HONE_BENCHMARK_PACKS")
    if not path or not os.path.isfile(path):
        return [], []
    try:
        with open(path, encoding="utf-8") as f:
            packs = json.load(f).get("packs", [])
    except (OSError, ValueError, AttributeError):
        return [], []
    tasks = [t for p in packs for t in p.get("tasks", []) if isinstance(t, str)]
    dirs = [p["tasks_dir"] for p in packs if p.get("tasks_dir") and os.path.isdir(p["tasks_dir"])]
    return list(dict.fromkeys(tasks)), dirs


def choose_tasks(suite: LmEvalSuite, device: str, offline: bool, warn) -> list[str]:
    if suite.tasks != "default":
        tasks = list(suite.tasks)
    elif offline or not device.startswith("cuda"):
        tasks = list(dict.fromkeys(OFFLINE_DEFAULT_TASKS + pack_tasks()[0]))
    else:
        tasks = list(HUB_DEFAULT_TASKS)
    if any(t.startswith("gpqa") for t in tasks) and not hf_token():
        warn("GPQA is a gated dataset (Idavidrein/gpqa): set HF_TOKEN for an account that accepted its terms; "
             "skipping GPQA", "gpqa_gated")
        tasks = [t for t in tasks if not t.startswith("gpqa")]
    return tasks


def flatten_metrics(results: dict) -> dict[str, float]:
    """``{"task": {"acc,none": 0.5, "acc_stderr,none": …}}`` -> ``{"task/acc": 0.5}`` (filter kept
    when it is not "none"; stderr dropped)."""
    out: dict[str, float] = {}
    for task, values in results.items():
        for key, value in values.items():
            if "," not in key or "_stderr" in key or isinstance(value, bool):
                continue
            if not isinstance(value, (int, float)):
                continue
            metric, flt = key.split(",", 1)
            name = metric if flt == "none" else f"{metric}_{flt}"
            out[f"{task}/{name}"] = float(value)
    return out


def metric_directions(results: dict, higher_is_better: dict | None) -> dict[str, bool]:
    """``{"task/metric[_filter]": True}`` when the harness says a higher value is better (False:
    lower, e.g. perplexity), keyed like ``flatten_metrics``; metrics it says nothing about are left out."""
    out: dict[str, bool] = {}
    for task, values in results.items():
        hib = (higher_is_better or {}).get(task) or {}
        for key in values:
            if "," not in key or "_stderr" in key:
                continue
            metric, flt = key.split(",", 1)
            if isinstance(hib.get(metric), bool):
                out[f"{task}/{metric if flt == 'none' else f'{metric}_{flt}'}"] = hib[metric]
    return out


def task_manager(include_path: str, tasks: list[str]):
    """Indexing the harness's thousands of built-in task files takes seconds per call; when every
    requested task is one of Hone's own, index only those."""
    from lm_eval.tasks import TaskManager

    include_path = [include_path, *pack_tasks()[1]]  # task YAMLs carried by imported benchmark packs
    local = TaskManager(include_path=include_path, include_defaults=False)
    if all(t in local.all_tasks for t in tasks):
        return local
    return TaskManager(include_path=include_path)


def run_lm_eval(model_dir: str, adapter_path: str | None, suite: LmEvalSuite, tasks: list[str], device: str,
                include_path: str, manager=None) -> dict:
    """Returns {"metrics": {...}, "tasks", "missing_tasks", "harness": <results without samples>}."""
    import lm_eval

    model_args: dict = {"pretrained": model_dir, "dtype": "bfloat16" if device.startswith("cuda") else "float32"}
    if adapter_path:
        model_args["peft"] = adapter_path
    res = lm_eval.simple_evaluate(
        model="hf", model_args=model_args, tasks=tasks, num_fewshot=suite.num_fewshot,
        batch_size=suite.batch_size, device=device, limit=suite.limit, log_samples=False,
        bootstrap_iters=0, task_manager=manager or task_manager(include_path, tasks), random_seed=0,
        numpy_random_seed=0, torch_random_seed=0, fewshot_random_seed=0)
    if res is None:  # only on non-zero ranks
        raise RuntimeError("lm-eval returned no results")
    results = res.get("results", {})
    missing = [t for t in tasks if t not in results]
    metrics = flatten_metrics(results)
    if not metrics:
        raise RuntimeError(f"lm-eval produced no numeric metrics for {tasks}")
    keep = {k: res.get(k) for k in ("results", "groups", "group_subtasks", "versions", "n-shot",
                                    "higher_is_better", "n-samples")}
    return {"metrics": metrics, "tasks": tasks, "missing_tasks": missing, "harness": keep}
