"""Runs the configured suites on the model under test (base + adapter) and, once per settings, on the
base model; writes results, plots and CSVs; logs the benchmark run to MLflow; emits events."""

from __future__ import annotations

import gc
import os
import time
import traceback

from hone_trainer.bench import cache as cache_mod
from hone_trainer.bench import lmeval_suite, needle, report
from hone_trainer.bench.events import EventWriter
from hone_trainer.bench.spec import BenchSpec, BenchSpecError


def default_resources_dir() -> str:
    env = os.environ.get("HONE_RESOURCES_DIR")
    if env:
        return os.path.join(env, "bench")
    # trainer/hone_trainer/bench/runner.py -> <repo>/resources/bench
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "resources", "bench"))


def pick_device(gpus: int) -> str:
    import torch

    return "cuda" if gpus > 0 and torch.cuda.is_available() else "cpu"


class BenchRunner:
    def __init__(self, spec: BenchSpec, events: EventWriter):
        self.spec = spec
        self.ev = events
        self.resources = spec.resources_dir or default_resources_dir()
        self.cache = cache_mod.ResultCache(spec.cache_dir)
        self.metrics: dict[str, dict[str, float]] = {}
        self.failed: list[str] = []
        self.errors: dict[str, str] = {}  # suite -> why it failed (shown next to the results)
        self.details: dict = {}
        self.needle_rows: dict[str, list[dict]] = {}

    # -- helpers ---------------------------------------------------------------------------------------
    def warn(self, message: str, code: str | None = None) -> None:
        self.ev.warning(message, code)

    def progress(self, suite: str, step: int, total: int, message: str) -> None:
        print(f"[hone] {suite} {step}/{total} {message}", flush=True)
        self.ev.emit("progress", suite=suite, step=step, total=total, message=message)

    def _result(self, suite: str, label: str, metrics: dict, cached: bool = False) -> None:
        self.metrics.setdefault(label, {}).update(metrics)
        self.ev.emit("suite_result", suite=suite, model=label, metrics=metrics, cached=cached)

    # -- main ------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        from hone_trainer.models import resolve_model
        from hone_trainer.spec import SpecError

        s = self.spec
        if s.adapter_path and not os.path.isfile(os.path.join(s.adapter_path, "adapter_config.json")):
            raise BenchSpecError(f"adapter_path has no adapter_config.json: {s.adapter_path}")
        if not os.path.isdir(self.resources):
            raise BenchSpecError(f"benchmark resources not found: {self.resources}")
        try:
            self.model_dir = resolve_model(s.model, s.models_dir)
        except SpecError as e:
            raise BenchSpecError(str(e)) from e
        self.device = pick_device(s.gpus)
        self.label = "fine-tuned" if s.adapter_path else "base"
        self.with_base = bool(s.compare_base and s.adapter_path)
        os.makedirs(s.output_dir, exist_ok=True)

    def run(self) -> int:
        s = self.spec
        suites = [n for n in ("lm_eval", "needle") if getattr(s.suites, n) is not None]
        self.ev.emit("started", kind="benchmark", job_id=s.job_id, model=s.model, adapter_path=s.adapter_path,
                     device=self.device, suites=suites, compare_base=self.with_base)
        for name in suites:
            try:
                getattr(self, f"_run_{name}")()
            except Exception as e:  # noqa: BLE001 - one failing suite never stops the others
                self.failed.append(name)
                self.errors[name] = f"{type(e).__name__}: {e}"
                print(traceback.format_exc(), flush=True)
                self.ev.emit("error", message=f"{name} benchmark failed: {type(e).__name__}: {e}",
                             code=f"{name}_failed", traceback=traceback.format_exc()[-4000:])
            gc.collect()
        if not self.metrics:
            self.ev.emit("error", message="no benchmark suite produced results", code="benchmark_failed")
            return 1
        artifacts = self._write_outputs()
        run_id = self._log_mlflow(artifacts)
        self.ev.emit("completed", kind="benchmark", metrics=self.metrics, deltas=self.deltas,
                     artifacts=artifacts, failed_suites=self.failed, mlflow_run_id=run_id,
                     report=report.view_data(self.details, self.needle_rows, self.errors))
        return 0

    # -- lm-eval ---------------------------------------------------------------------------------------
    def _run_lm_eval(self) -> None:
        suite = self.spec.suites.lm_eval
        offline = lmeval_suite.hub_offline()
        tasks = lmeval_suite.choose_tasks(suite, self.device, offline, self.warn)
        if not tasks:
            raise RuntimeError("no lm-eval tasks left to run")
        include = os.path.join(self.resources, "lm_eval")
        total = 2 if self.with_base else 1
        manager = lmeval_suite.task_manager(include, tasks)

        def one(label: str, adapter: str | None, step: int) -> None:
            self.progress("lm_eval", step - 1, total, f"{label}: {', '.join(tasks)} on {self.device}"
                          f"{' (offline task suite)' if offline and suite.tasks == 'default' else ''}")
            t0 = time.time()
            out = lmeval_suite.run_lm_eval(self.model_dir, adapter, suite, tasks, self.device, include, manager)
            out["seconds"] = round(time.time() - t0, 2)
            if out["missing_tasks"]:
                self.warn(f"lm-eval produced no results for {out['missing_tasks']}", "lm_eval_missing_tasks")
            self.details.setdefault("lm_eval", {})[label] = out
            self._result("lm_eval", label, {f"lm_eval/{k}": v for k, v in out["metrics"].items()})
            self.progress("lm_eval", step, total, f"{label} done in {out['seconds']}s")

        if self.label == "fine-tuned":
            one("fine-tuned", self.spec.adapter_path, 1)
        else:
            one("base", None, 1)
        if self.with_base:
            settings = {**suite.model_dump(), "tasks": tasks}
            self._cached_base("lm_eval", lmeval_suite.SUITE_VERSION, settings, lambda: one("base", None, 2))

    # -- needle ----------------------------------------------------------------------------------------
    def _run_needle(self) -> None:
        suite = self.spec.suites.needle
        judge = None
        if suite.judge is not None:
            from hone_trainer.bench.judge import GEvalJudge, JudgeError

            try:
                judge = GEvalJudge(suite.judge.base_url, suite.judge.model, suite.judge.api_key)
            except JudgeError as e:
                self.warn(f"needle: {e}; using deterministic scores only", "judge_error")
        cells = len(needle.grid(suite))

        def one(label: str, adapter: str | None) -> None:
            model = needle.NeedleModel(self.model_dir, adapter, self.device)
            try:
                out = needle.run_needle(
                    model, suite, self.resources, judge,
                    lambda i, n, msg: self.progress("needle", i, n, f"{label}: {msg}"), self.warn)
            finally:
                del model
                gc.collect()
            self.details.setdefault("needle", {})[label] = {k: v for k, v in out.items() if k != "rows"}
            self.needle_rows[label] = out["rows"]
            self._result("needle", label, out["metrics"])

        self.progress("needle", 0, cells, f"{cells} cells per model")
        one(self.label, self.spec.adapter_path)
        if self.with_base:
            # The judge is part of the settings: judged and unjudged base scores are not comparable.
            settings = {**suite.model_dump(exclude={"judge"}),
                        "judge": suite.judge.model_dump(exclude={"api_key"}) if suite.judge else None}
            self._cached_base("needle", needle.SUITE_VERSION, settings, lambda: one("base", None))

    # -- base cache ------------------------------------------------------------------------------------
    def _cached_base(self, suite: str, version: str, settings: dict, compute) -> None:
        key = cache_mod.digest(self.spec.model, self.model_dir, suite, version, settings, self.device)
        hit = self.cache.get(suite, key)
        if hit is not None:
            self.details.setdefault(suite, {})["base"] = hit["details"]
            if hit.get("rows") is not None:
                self.needle_rows["base"] = hit["rows"]
            self._result(suite, "base", hit["metrics"], cached=True)
            self.progress(suite, 1, 1, f"base: reused cached results {key}")
            return
        compute()
        produced = {k: v for k, v in self.metrics.get("base", {}).items() if k.startswith(suite + "/")}
        # Only a result from this judge setup is cached; a run where the judge failed is not.
        det = self.details.get(suite, {}).get("base")
        if det is not None and not det.get("judge_error"):
            self.cache.put(suite, key, {"metrics": produced, "details": det, "rows": self.needle_rows.get("base")
                                        if suite == "needle" else None, "settings": settings})

    # -- outputs ---------------------------------------------------------------------------------------
    def _write_outputs(self) -> dict[str, str]:
        out = self.spec.output_dir
        self.deltas = report.deltas(self.metrics.get("fine-tuned", {}), self.metrics.get("base", {}))
        arts = {
            "results_json": report.write_json(os.path.join(out, "results.json"), {
                "version": 1, "job_id": self.spec.job_id, "model": self.spec.model,
                "adapter_path": self.spec.adapter_path, "device": self.device, "metrics": self.metrics,
                "deltas": self.deltas, "failed_suites": self.failed, "details": self.details,
                "needle_grid": self.needle_rows}),
            "comparison_csv": report.write_comparison(os.path.join(out, "comparison.csv"), self.metrics,
                                                      self.deltas),
        }
        if self.needle_rows:
            ylabel = "score (GEval correctness)" if any(
                d.get("scorer") == "geval" for d in self.details.get("needle", {}).values()) else "score (contains)"
            arts["needle_grid_csv"] = report.write_grid(os.path.join(out, "needle_grid.csv"), self.needle_rows)
            arts["needle_context_plot"] = report.plot(
                os.path.join(out, "needle_context_length.png"), self.needle_rows, "context", "context_length",
                "context length (prompt tokens)", "Needle retrieval vs context length", ylabel)
            arts["needle_chunks_plot"] = report.plot(
                os.path.join(out, "needle_chunks.png"), self.needle_rows, "chunks", "chunks",
                "number of retrieved chunks", "Needle retrieval vs number of chunks", ylabel)
        return arts

    def _log_mlflow(self, artifacts: dict[str, str]) -> str | None:
        settings = self.spec.mlflow
        if settings is None:
            return None
        from hone_trainer.bench.mlflow_bench import BenchmarkRun

        s = self.spec
        run = None
        try:
            tags = {"hone.run_type": "benchmark", "hone.job_id": s.job_id or "", "hone.model": s.model}
            run = BenchmarkRun(settings, settings.run_name or s.job_id or "benchmark", tags, self.warn)
            run.log_params({"model": s.model, "adapter_path": s.adapter_path, "device": self.device,
                            "compare_base": self.with_base, "failed_suites": ",".join(self.failed) or "none",
                            **{f"suite.{k}": v for k, v in s.suites.model_dump(
                                exclude={"needle": {"judge": {"api_key"}}}).items()}})
            flat = {f"{label}/{k}": v for label, m in self.metrics.items() for k, v in m.items()}
            flat.update({f"delta/{k}": v for k, v in self.deltas.items()})
            run.log_metrics(flat)
            for path in artifacts.values():
                run.log_artifact(path, "benchmark")
            run.end("FINISHED")
            return run.run_id
        except Exception as e:  # noqa: BLE001 - results are on disk; tracking is best effort
            self.warn(f"MLflow benchmark logging failed: {type(e).__name__}: {e}", "mlflow_error")
            if run is not None:
                run.end("FAILED")
                return run.run_id
            return None
