"""Multi-GPU: re-run ``train`` under torchrun (DDP, or FSDP on request). Rank 0 reports events; this
parent only forwards SIGTERM and maps the workers' outcome back to Hone's exit codes, because
torchrun turns any non-zero worker exit (including our 'stopped' 3) into its own failure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys


def _last_event(path: str) -> dict | None:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 65536))
            lines = fh.read().splitlines()
    except OSError:
        return None
    for raw in reversed(lines):
        try:
            return json.loads(raw)
        except ValueError:
            continue
    return None


def launch_distributed(spec_path: str, spec, events, stop) -> int:
    import torch

    n = min(spec.gpus, torch.cuda.device_count())
    if n < spec.gpus:
        events.warning(f"spec asks for {spec.gpus} GPUs but {n} are visible; using {n}", "gpus_unavailable")
    before = _last_event(spec.events_file)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={n}",
           "-m", "hone_trainer", "train", "--spec", spec_path]
    print(f"[hone] launching {' '.join(cmd)}", flush=True)
    child = subprocess.Popen(cmd)
    signal.signal(signal.SIGTERM, lambda s, f: child.send_signal(signal.SIGTERM))
    rc = child.wait()
    last = _last_event(spec.events_file)
    if last is not None and last != before:
        kind = last.get("type")
        if kind == "completed":
            return 0
        if kind == "stopped":
            return 3
        if kind == "error":
            return 2 if last.get("code") in ("invalid_spec", "file_not_found", "invalid_training_file",
                                             "invalid_validation_file", "model_not_found") else 1
    if rc != 0:
        events.emit("error", message=f"distributed workers exited with status {rc}", code="internal_error")
        return 1
    return rc
