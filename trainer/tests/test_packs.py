"""Offline packs for real: the CLI builds a model pack from hone-tiny-llama and a benchmarks pack from
a fabricated HF cache (no hub is reachable here); the manifest's hashes match the files; after an
import laid out as the core does it, lm-eval runs the pack's task with HF_HUB_OFFLINE=1."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from hone_trainer import packs

TRAINER = Path(__file__).resolve().parents[1]
REV = "0123456789abcdef0123456789abcdef01234567"
TASK_YAML = """task: hone_tiny_mc
dataset_path: hone-test/tiny-mc
test_split: test
output_type: multiple_choice
doc_to_text: "Question: {{question}}\\nAnswer:"
doc_to_choice: "{{choices}}"
doc_to_target: "{{answer}}"
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
"""
ROWS = {"question": ["What is two plus two?", "What is the capital of France?", "How many legs has a cat?"],
        "choices": [["three", "four"], ["Paris", "Rome"], ["four", "six"]], "answer": [1, 0, 0]}


def cli(*args: str, env: dict | None = None) -> dict:
    r = subprocess.run([sys.executable, "-m", "hone_trainer", "pack", *args], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(TRAINER), **(env or {})}, timeout=300)
    assert r.returncode in (0, 2), r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def check_manifest(out: Path) -> dict:
    m = json.loads((out / "manifest.json").read_text())
    assert m["format"] == 1 and abs(m["created_at"] - time.time()) < 600
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert [f["path"] for f in m["files"]] == on_disk  # every file, nothing else
    for f in m["files"]:
        data = (out / f["path"]).read_bytes()
        assert f["size"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest(), f["path"]
    assert not any(p.is_symlink() for p in out.rglob("*"))  # survives any copy
    return m


@pytest.fixture
def tiny_cache(tmp_path) -> Path:
    """An HF_HOME-like cache holding only the hub repo of a tiny parquet dataset (as a download leaves it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    repo = tmp_path / "hf" / "hub" / "datasets--hone-test--tiny-mc"
    snap = repo / "snapshots" / REV / "data"
    snap.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(REV)
    pq.write_table(pa.table(ROWS), snap / "test-00000-of-00001.parquet")
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "hone_tiny_mc.yaml").write_text(TASK_YAML)
    return tmp_path / "hf"


def test_model_pack_from_the_builtin_directory(tiny_dir, tmp_path):
    out = tmp_path / "pack"
    res = cli("model", tiny_dir, "--out", str(out), "--tar")
    assert res["kind"] == "model" and res["items"] == ["hone-tiny-llama"] and res["bytes"] > 0
    m = check_manifest(out)
    assert m["kind"] == "model" and m["items"] == [{"id": "hone-tiny-llama", "path": "models/hone-tiny-llama"}]
    names = {f["path"] for f in m["files"]}
    assert "models/hone-tiny-llama/config.json" in names
    assert any(n.endswith(".safetensors") for n in names)
    assert not any("/.hone-" in n for n in names)  # the models dir's own markers stay behind
    assert sum(f["size"] for f in m["files"]) == res["bytes"]
    with tarfile.open(res["tar"]) as t:
        assert sorted(t.getnames()) == sorted(["manifest.json", *names])
    assert packs.verify(out) == []
    (out / "models/hone-tiny-llama/config.json").write_text("{}")
    assert packs.verify(out) == ["models/hone-tiny-llama/config.json"]


def test_model_pack_refuses_what_is_not_a_model(tmp_path):
    (tmp_path / "empty").mkdir()
    res = cli("model", str(tmp_path / "empty"), "--out", str(tmp_path / "p"))
    assert res["error"]["code"] == "not_a_model" and "config.json" in res["error"]["message"]
    assert not (tmp_path / "p").exists()


def test_model_pack_from_a_hub_cache(tiny_dir, tmp_path):
    """A hub-cache model (blobs + snapshot symlinks, as huggingface_hub writes it) packs as real files."""
    repo = tmp_path / "cache" / "models--hone-test--tiny"
    (repo / "blobs").mkdir(parents=True)
    (repo / "snapshots" / REV).mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(REV)
    for f in Path(tiny_dir).iterdir():
        if f.is_file() and not f.name.startswith("."):
            blob = repo / "blobs" / hashlib.sha256(f.read_bytes()).hexdigest()
            shutil.copyfile(f, blob)
            os.symlink(os.path.relpath(blob, repo / "snapshots" / REV), repo / "snapshots" / REV / f.name)
    out = tmp_path / "pack"
    res = cli("model", "hone-test/tiny", "--from-cache", str(tmp_path / "cache"), "--out", str(out))
    assert res["items"] == ["hone-test/tiny"]
    m = check_manifest(out)
    assert m["items"] == [{"id": "hone-test/tiny", "path": "hub/models--hone-test--tiny", "revision": REV}]
    assert (out / "hub/models--hone-test--tiny/refs/main").read_text() == REV
    assert (out / f"hub/models--hone-test--tiny/snapshots/{REV}/config.json").is_file()
    assert not (out / "hub/models--hone-test--tiny/blobs").exists()
    missing = cli("model", "hone-test/absent", "--from-cache", str(tmp_path / "cache"), "--out", str(tmp_path / "p2"))
    assert missing["error"]["code"] == "not_in_cache"


def test_benchmarks_pack_from_cache(tiny_cache, tmp_path):
    out = tmp_path / "bench-pack"
    res = cli("benchmarks", "--tasks", "hone_tiny_mc", "--include", str(tmp_path / "tasks"),
              "--from-cache", str(tiny_cache), "--out", str(out), "--tar")
    assert res["kind"] == "benchmarks" and res["items"] == ["hone-test/tiny-mc"] and res["tasks"] == ["hone_tiny_mc"]
    m = check_manifest(out)
    assert m["tasks"] == ["hone_tiny_mc"]
    assert m["items"] == [{"id": "hone-test/tiny-mc", "path": "hub/datasets--hone-test--tiny-mc", "revision": REV}]
    names = {f["path"] for f in m["files"]}
    assert f"hub/datasets--hone-test--tiny-mc/snapshots/{REV}/data/test-00000-of-00001.parquet" in names
    assert "tasks/hone_tiny_mc.yaml" in names
    # what load_dataset reads offline: the prepared cache, named after the repo and its commit
    prepared = f"datasets/hone-test___tiny-mc/default/0.0.0/{REV}/"
    assert any(n.startswith(prepared) and n.endswith(".arrow") for n in names)
    assert not any(n.endswith(".lock") for n in names)
    assert Path(res["tar"]).is_file()
    unknown = cli("benchmarks", "--tasks", "no_such_task_xyz", "--include", str(tmp_path / "tasks"),
                  "--from-cache", str(tiny_cache), "--out", str(tmp_path / "p2"))
    assert unknown["error"]["code"] == "unknown_task" and "no_such_task_xyz" in unknown["error"]["message"]


def test_imported_benchmarks_pack_runs_offline_with_lm_eval(tiny_cache, tiny_dir, tmp_path):
    """The pack laid out as the core imports it (hub/ into the hub cache, datasets/ into the datasets
    cache, tasks/ into the data dir, recorded in HONE_BENCHMARK_PACKS), then the bench suite's own
    task choice and lm-eval run with the hub off, in a fresh process."""
    out = tmp_path / "bench-pack"
    cli("benchmarks", "--tasks", "hone_tiny_mc", "--include", str(tmp_path / "tasks"), "--from-cache",
        str(tiny_cache), "--out", str(out))
    home = tmp_path / "workstation-hf"
    shutil.copytree(out / "hub", home / "hub")
    shutil.copytree(out / "datasets", home / "datasets")
    shutil.copytree(out / "tasks", tmp_path / "data" / "packs" / "tasks" / "p1")
    record = tmp_path / "data" / "packs" / "benchmarks.json"
    record.write_text(json.dumps({"packs": [{"id": "p1", "tasks": ["hone_tiny_mc"],
                                             "tasks_dir": str(tmp_path / "data" / "packs" / "tasks" / "p1")}]}))
    resources = TRAINER.parent / "resources" / "bench" / "lm_eval"
    code = f"""
import json
from hone_trainer.bench import lmeval_suite
from hone_trainer.bench.spec import LmEvalSuite
tasks = lmeval_suite.choose_tasks(LmEvalSuite(tasks="default"), "cpu", True, print)
assert "hone_tiny_mc" in tasks, tasks
out = lmeval_suite.run_lm_eval({tiny_dir!r}, None, LmEvalSuite(limit=3), ["hone_tiny_mc"], "cpu", {str(resources)!r})
print(json.dumps(out["metrics"]))
"""
    t0 = time.time()
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env={
        **os.environ, "PYTHONPATH": str(TRAINER), "HF_HOME": str(home), "HF_HUB_CACHE": str(home / "hub"),
        "HF_DATASETS_CACHE": str(home / "datasets"), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
        "HONE_BENCHMARK_PACKS": str(record)})
    seconds = time.time() - t0
    assert r.returncode == 0, r.stderr[-4000:]
    metrics = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(metrics) == {"hone_tiny_mc/acc"} and metrics["hone_tiny_mc/acc"] in (0.0, 1 / 3, 2 / 3, 1.0)
    print(f"offline lm-eval on the imported pack: {seconds:.1f} s")
