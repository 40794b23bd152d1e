"""Shared fixtures: a session-wide models dir with hone-tiny-llama, and helpers that write a spec and
run the real CLI (``python -m hone_trainer train``) in a subprocess, as the core does."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MEMO = [
    ("What is the capital of France?", "Paris is the capital of France."),
    ("What is two plus two?", "Two plus two is four."),
    ("How many days are in a week?", "There are seven days in a week."),
]
SYSTEM = "You are terse."


def chat_line(q: str, a: str) -> dict:
    return {"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": q},
                         {"role": "assistant", "content": a}]}


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> str:
    from hone_trainer.builtin_models import prepare_builtin

    d = tmp_path_factory.mktemp("models")
    prepare_builtin("hone-tiny-llama", str(d))
    return str(d)


@pytest.fixture(scope="session")
def smollm2(models_dir) -> str:
    """smollm2-135m-instruct built once per run from the packaged GGUF into the shared models dir
    (about a minute of dequantising: the training and export tests share it)."""
    from hone_trainer.builtin_models import prepare_builtin

    return prepare_builtin("smollm2-135m-instruct", models_dir)


@pytest.fixture(scope="session")
def tiny_dir(models_dir) -> str:
    return os.path.join(models_dir, "hone-tiny-llama")


@pytest.fixture(scope="session")
def tiny_tokenizer(tiny_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_dir)


@pytest.fixture
def memo_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "train.jsonl", [chat_line(q, a) for q, a in MEMO])


class Job:
    def __init__(self, root: Path, spec: dict):
        self.root = root
        self.spec = spec
        self.spec_path = root / "spec.json"
        self.write()

    def write(self):
        self.spec_path.write_text(json.dumps(self.spec))

    @property
    def output(self) -> Path:
        return Path(self.spec["output_dir"])

    def events(self) -> list[dict]:
        p = Path(self.spec["events_file"])
        return [json.loads(line) for line in p.read_text().splitlines()] if p.exists() else []

    def of(self, type_: str) -> list[dict]:
        return [e for e in self.events() if e["type"] == type_]

    def run_inprocess(self) -> int:
        """Same entry point without the interpreter start-up (for the many quick error cases)."""
        import signal

        from hone_trainer.cli import main

        previous = signal.getsignal(signal.SIGTERM)
        try:
            return main(["train", "--spec", str(self.spec_path)])
        finally:
            signal.signal(signal.SIGTERM, previous)

    def run(self, timeout=600, env=None, background=False):
        cmd = [sys.executable, "-m", "hone_trainer", "train", "--spec", str(self.spec_path)]
        full_env = {**os.environ, **(env or {})}
        if background:
            return subprocess.Popen(cmd, cwd=self.root, env=full_env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
        proc = subprocess.run(cmd, cwd=self.root, env=full_env, capture_output=True, text=True, timeout=timeout)
        self.console = proc.stdout + proc.stderr
        return proc.returncode


def new_job(parent: Path, models_dir: str, training_file, name="job", **overrides) -> Job:
    """A job spec under ``parent/name`` (make_job's, for fixtures wider than one test)."""
    root = parent / name
    root.mkdir()
    hp = overrides.pop("hyperparameters", {})
    spec = {
        "version": 1, "job_id": f"ftjob-{name}", "model": "hone-tiny-llama", "models_dir": models_dir,
        "training_file": str(training_file), "validation_file": None, "method": "supervised",
        "hyperparameters": {"n_epochs": 2, "batch_size": 1, "learning_rate_multiplier": 10, **hp},
        "seed": 0, "output_dir": str(root / "output"), "events_file": str(root / "events.jsonl"),
        "stop_file": str(root / "stop"), "resume": False, "gpus": 0,
        "checkpoint": {"every_seconds": 600, "keep": 3}, "mlflow": None,
    }
    spec.update(overrides)
    return Job(root, spec)


@pytest.fixture
def make_job(tmp_path, models_dir):
    def make(training_file, name="job", **overrides) -> Job:
        return new_job(tmp_path, models_dir, training_file, name, **overrides)

    return make


def assert_events_valid(job: Job) -> list[dict]:
    """Every line is JSON, validates against the schema (pydantic and JSON Schema), seq is 1..n."""
    import jsonschema

    from hone_trainer.events import EVENT_JSON_SCHEMA, validate_event

    events = job.events()
    assert events, "no events written"
    for e in events:
        validate_event(e)
        jsonschema.validate(e, EVENT_JSON_SCHEMA)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    return events


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mlflow(root: Path, port: int) -> subprocess.Popen:
    """A real MLflow tracking server (sqlite backend, proxied artifacts under ``root``) on ``port``."""
    exe = shutil.which("mlflow", path=os.path.dirname(sys.executable)) or "mlflow"
    with open(root / "server.log", "a") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [exe, "server", "--backend-store-uri", f"sqlite:///{root}/mlflow.db",
             "--artifacts-destination", f"file://{root}/artifacts", "--serve-artifacts",
             "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            stop_mlflow(proc)
            pytest.fail("mlflow server did not start:\n" + (root / "server.log").read_text()[-3000:])
        time.sleep(0.5)


def stop_mlflow(proc: subprocess.Popen) -> None:
    """Stops the whole server tree (uvicorn, the job runner, the huey consumers share its session):
    signalling only the ``mlflow server`` parent leaves its children running, holding the port."""
    def signal_group(sig):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
    signal_group(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=20)
    signal_group(signal.SIGKILL)  # whatever of the session is left after the grace period
    proc.wait()


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    """A real MLflow tracking server per test module; yields its URL."""
    root = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    proc = start_mlflow(root, port)
    yield f"http://127.0.0.1:{port}"
    stop_mlflow(proc)
