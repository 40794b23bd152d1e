"""Fixtures for the benchmark tests: a local OpenAI-compatible test judge, a real MLflow server, an
adapter from a real short training run, and a helper that runs ``python -m hone_trainer.bench``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import (  # noqa: F401 - trainer/tests/conftest.py
    MEMO,
    chat_line,
    free_port,
    start_mlflow,
    stop_mlflow,
    write_jsonl,
)

RESOURCES = str(Path(__file__).resolve().parents[3] / "resources" / "bench")


def _field(prompt: str, name: str) -> str | None:
    m = re.search(rf"{name}:\n(.*?) \n\n", prompt, re.S)
    return m.group(1).strip() if m else None


class JudgeServer:
    """OpenAI-compatible /v1/chat/completions. mode="fair": reads GEval's test case from the prompt and
    scores 10 when the expected output's final value (the needle's value) appears in the actual output,
    else 0. mode="garbage": answers with text that is not JSON."""

    def __init__(self, mode: str):
        self.mode = mode
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # keep pytest output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                prompt = body["messages"][-1]["content"]
                if outer.mode == "garbage":
                    content = "I'd rather not say. <<<score: banana>>>"
                else:
                    actual, expected = _field(prompt, "Actual Output") or "", _field(prompt, "Expected Output") or ""
                    value = re.findall(r"[A-Za-z0-9]+", expected)[-1].lower() if expected else "\0"
                    hit = value in re.findall(r"[a-z0-9]+", actual.lower())
                    content = json.dumps({"reason": f"value {value!r} {'found' if hit else 'missing'}",
                                          "score": 10 if hit else 0})
                out = json.dumps({
                    "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "judge"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def judge_server():
    servers = []

    def make(mode="fair") -> JudgeServer:
        s = JudgeServer(mode)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


@pytest.fixture(scope="session")
def adapter_dir(tmp_path_factory, models_dir) -> str:
    """A LoRA adapter from a real short supervised run of the trainer CLI on hone-tiny-llama."""
    root = tmp_path_factory.mktemp("bench-train")
    data = write_jsonl(root / "train.jsonl", [chat_line(q, a) for q, a in MEMO])
    spec = {"version": 1, "job_id": "ftjob-bench", "model": "hone-tiny-llama", "models_dir": models_dir,
            "training_file": str(data), "validation_file": None, "method": "supervised",
            "hyperparameters": {"n_epochs": 2, "batch_size": 1, "learning_rate_multiplier": 10}, "seed": 0,
            "output_dir": str(root / "output"), "events_file": str(root / "events.jsonl"),
            "stop_file": str(root / "stop"), "resume": False, "gpus": 0,
            "checkpoint": {"every_seconds": 600, "keep": 3}, "mlflow": None}
    (root / "spec.json").write_text(json.dumps(spec))
    proc = subprocess.run([sys.executable, "-m", "hone_trainer", "train", "--spec", str(root / "spec.json")],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    events = [json.loads(line) for line in (root / "events.jsonl").read_text().splitlines()]
    adapter = next(e for e in events if e["type"] == "completed")["adapter_path"]
    assert os.path.isfile(os.path.join(adapter, "adapter_config.json"))
    return adapter


class BenchJob:
    def __init__(self, root: Path, spec: dict):
        self.root, self.spec = root, spec
        root.mkdir(parents=True, exist_ok=True)
        self.spec_path = root / "bench.json"
        self.spec_path.write_text(json.dumps(spec))

    def events(self) -> list[dict]:
        p = Path(self.spec["events_file"])
        return [json.loads(line) for line in p.read_text().splitlines()] if p.exists() else []

    def of(self, type_: str) -> list[dict]:
        return [e for e in self.events() if e["type"] == type_]

    def run(self, timeout=600) -> int:
        proc = subprocess.run([sys.executable, "-m", "hone_trainer.bench", "--spec", str(self.spec_path)],
                              cwd=self.root, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "HF_HUB_OFFLINE": "1"})
        self.console = proc.stdout[-6000:] + proc.stderr[-6000:]
        return proc.returncode

    def run_inprocess(self) -> int:
        from hone_trainer.bench.__main__ import main

        return main(["--spec", str(self.spec_path)])


TINY_NEEDLE = {"context_lengths": [96, 192], "depths": [0.0, 1.0], "chunk_counts": [1, 3], "judge": None,
               "max_new_tokens": 6}


@pytest.fixture
def make_bench(tmp_path, models_dir):
    def make(name="bench", **overrides) -> BenchJob:
        root = tmp_path / name
        spec = {"version": 1, "job_id": f"ftjob-{name}", "model": "hone-tiny-llama", "adapter_path": None,
                "models_dir": models_dir, "output_dir": str(root / "out"), "events_file": str(root / "events.jsonl"),
                "suites": {"lm_eval": {"tasks": "default", "limit": 2, "num_fewshot": None, "batch_size": 1},
                           "needle": dict(TINY_NEEDLE)},
                "compare_base": True, "cache_dir": str(tmp_path / "cache"), "mlflow": None, "gpus": 0,
                "resources_dir": RESOURCES}
        spec.update(overrides)
        return BenchJob(root, spec)

    return make


def assert_bench_events_valid(job: BenchJob) -> list[dict]:
    from hone_trainer.bench.events import validate_bench_event

    events = job.events()
    assert events, "no events written"
    for e in events:
        validate_bench_event(e)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    return events
