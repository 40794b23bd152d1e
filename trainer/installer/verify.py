"""Verifying an environment: torch imports, the GPUs torch sees, hone_trainer imports, a smoke fine-tune."""

from __future__ import annotations

import json
import math
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .report import InstallerError

PROBE = r"""
import json, sys
out = {"python_version": "%d.%d" % sys.version_info[:2]}
try:
    import torch
    out["torch_version"] = torch.__version__
    out["cuda"] = torch.version.cuda
    out["hip"] = getattr(torch.version, "hip", None)
    out["cuda_available"] = bool(torch.cuda.is_available())
    out["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] \
        if out["cuda_available"] else []
    mps = getattr(torch.backends, "mps", None)
    out["mps_available"] = bool(mps and mps.is_available())
except Exception as e:
    out["torch_error"] = "%s: %s" % (type(e).__name__, e)
try:
    import hone_trainer, importlib.metadata as md
    out["trainer_version"] = md.version("hone-trainer")
except Exception as e:
    out["trainer_error"] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
"""

SMOKE_ROWS = [
    ("What is the capital of France?", "Paris is the capital of France."),
    ("What is two plus two?", "Two plus two is four."),
]  # two examples, two epochs: four optimizer steps


def torch_variant(probe: dict[str, Any]) -> str:
    if probe.get("hip"):
        return "rocm"
    if probe.get("cuda"):
        return "cu" + probe["cuda"].replace(".", "")[:3]
    return "mps" if probe.get("mps_available") else "cpu"


def probe_env(python: Path, driver_present: bool) -> dict[str, Any]:
    """Import torch and hone_trainer in the venv; ``verify_failed`` with a readable reason otherwise."""
    proc = subprocess.run([str(python), "-c", PROBE], capture_output=True, text=True, timeout=600)
    try:
        probe = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as e:
        raise InstallerError("verify_failed", "The environment's Python could not run the check.",
                             (proc.stdout + proc.stderr)[-4000:] or None) from e
    if "torch_error" in probe:
        raise InstallerError("verify_failed", f"torch does not import: {probe['torch_error']}")
    if probe.get("cuda") and driver_present and not probe.get("cuda_available"):
        raise InstallerError(
            "verify_failed",
            f"torch {probe['torch_version']} (CUDA {probe['cuda']}) sees no GPU although an NVIDIA driver is "
            "installed: the driver may be too old for this build or the GPU is not accessible (check "
            "nvidia-smi and CUDA_VISIBLE_DEVICES); reinstall with --torch matching the driver or --torch cpu.")
    if "trainer_error" in probe:
        raise InstallerError("verify_failed", f"hone_trainer does not import: {probe['trainer_error']}")
    probe["variant"] = torch_variant(probe)
    return probe


def smoke(python: Path, timeout: float = 600) -> dict[str, Any]:
    """A tiny real SFT run of hone-tiny-llama in a temp dir; its final loss must be finite."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hone-smoke-") as tmp:
        root = Path(tmp)
        models = root / "models"  # the trainer builds the built-in hone-tiny-llama here on first use
        models.mkdir()
        train = root / "train.jsonl"
        train.write_text("".join(json.dumps({"messages": [{"role": "user", "content": q},
                                                          {"role": "assistant", "content": a}]}) + "\n"
                                 for q, a in SMOKE_ROWS))
        spec = {
            "version": 1, "job_id": "ftjob-smoke", "model": "hone-tiny-llama", "models_dir": str(models),
            "training_file": str(train), "validation_file": None, "method": "supervised",
            "hyperparameters": {"n_epochs": 2, "batch_size": 1, "learning_rate_multiplier": 10},
            "seed": 0, "output_dir": str(root / "output"), "events_file": str(root / "events.jsonl"),
            "stop_file": str(root / "stop"), "resume": False, "gpus": 0,
            "checkpoint": {"every_seconds": 600, "keep": 1}, "mlflow": None,
        }
        (root / "spec.json").write_text(json.dumps(spec))
        run = subprocess.run([str(python), "-m", "hone_trainer", "train", "--spec", str(root / "spec.json")],
                             cwd=root, capture_output=True, text=True, env=env, timeout=timeout)
        events = []
        if (root / "events.jsonl").exists():
            events = [json.loads(line) for line in (root / "events.jsonl").read_text().splitlines() if line]
        errors = [e for e in events if e.get("type") == "error"]
        if run.returncode != 0 or not any(e.get("type") == "completed" for e in events):
            why = errors[-1].get("message") if errors else f"the trainer exited with code {run.returncode}"
            raise InstallerError("smoke_failed", f"The smoke fine-tune of hone-tiny-llama failed: {why}",
                                 _tail(run.stdout + run.stderr))
        losses = [e.get("train_loss") for e in events if e.get("type") == "progress"]
        if not losses or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in losses):
            raise InstallerError("smoke_failed", f"The smoke fine-tune's loss is not finite: {losses}")
    return {"steps": len(losses), "final_loss": losses[-1], "seconds": round(time.monotonic() - started, 1)}


def _tail(text: str, n: int = 20) -> str | None:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-n:]) or None
