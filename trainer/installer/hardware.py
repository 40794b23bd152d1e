"""Hardware detection and the torch build it implies."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
from typing import Any

from .pins import CUDA_DRIVER_TABLE
from .report import InstallerError


def parse_driver(text: str) -> tuple[int, ...]:
    nums = re.findall(r"\d+", text)
    if not nums:
        raise ValueError(f"not a driver version: {text!r}")
    return tuple(int(n) for n in nums)


def variant_for_driver(driver: str) -> str:
    """The newest CUDA build whose minimum driver ``driver`` meets, else ``cuda_driver_too_old``."""
    have = parse_driver(driver)
    for variant, minimum in CUDA_DRIVER_TABLE:
        if have >= minimum:
            return variant
    oldest_variant, oldest = CUDA_DRIVER_TABLE[-1]
    need = ".".join(str(p) for p in oldest)
    raise InstallerError(
        "cuda_driver_too_old",
        f"The NVIDIA driver {driver} is too old for PyTorch's CUDA builds: the oldest one Hone supports "
        f"({oldest_variant}) needs driver {need} or newer. Update the NVIDIA driver, or install the CPU build "
        f"with --torch cpu (training then runs on the CPU).")


def _run(cmd: list[str], timeout: float = 10) -> str | None:
    if not shutil.which(cmd[0]):
        return None
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def nvidia_gpus() -> tuple[list[dict[str, Any]], str | None]:
    out = _run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"])
    if not out:
        return [], None
    gpus, driver = [], None
    for line in out.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 3:
            continue
        mem = re.match(r"(\d+)", parts[1])
        gpus.append({"name": parts[0], "memory_mib": int(mem.group(1)) if mem else None})
        driver = parts[2]
    return gpus, driver


def has_rocm() -> bool:
    return bool(shutil.which("rocm-smi")) or os.path.isdir("/opt/rocm")


def detect() -> dict[str, Any]:
    """{kind: nvidia|rocm|mps|cpu, gpus, driver_version, variant, error?} (error: a too-old driver)."""
    system, machine = platform.system(), platform.machine().lower()
    gpus, driver = nvidia_gpus()
    if gpus and driver:
        info: dict[str, Any] = {"kind": "nvidia", "gpus": gpus, "driver_version": driver}
        try:
            info["variant"] = variant_for_driver(driver)
        except InstallerError as e:
            info["variant"] = None
            info["error"] = {"code": e.code, "message": e.message}
        return info
    if system == "Linux" and has_rocm():
        return {"kind": "rocm", "gpus": [], "driver_version": None, "variant": "rocm"}
    if system == "Darwin" and machine == "arm64":
        return {"kind": "mps", "gpus": [{"name": "Apple GPU (MPS)", "memory_mib": None}], "driver_version": None,
                "variant": "mps"}
    return {"kind": "cpu", "gpus": [], "driver_version": None, "variant": "cpu"}


def choose_variant(requested: str, hw: dict[str, Any]) -> str:
    """--torch auto → the detected build (raising a too-old driver); an explicit variant wins."""
    if requested != "auto":
        return requested
    if hw.get("error"):
        raise InstallerError(hw["error"]["code"], hw["error"]["message"])
    return hw["variant"]


def describe(hw: dict[str, Any]) -> str:
    if hw["kind"] == "nvidia":
        names = ", ".join(g["name"] for g in hw["gpus"])
        return f"{len(hw['gpus'])} NVIDIA GPU(s) ({names}), driver {hw['driver_version']}"
    return {"rocm": "AMD GPU (ROCm)", "mps": "Apple Silicon (MPS)", "cpu": "no GPU found: CPU"}[hw["kind"]]
