"""The venv: create, recreate (only one the installer made), its interpreter and the hone-env.json marker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from .report import InstallerError, UsageError

MARKER = "hone-env.json"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def python_works(venv: Path) -> bool:
    py = venv_python(venv)
    if not py.exists():
        return False
    try:
        return subprocess.run([str(py), "-c", "import sys"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def read_marker(venv: Path) -> dict[str, Any] | None:
    try:
        return json.loads((venv / MARKER).read_text())
    except (OSError, ValueError):
        return None


def write_marker(venv: Path, env: dict[str, Any]) -> None:
    tmp = venv / (MARKER + ".tmp")
    tmp.write_text(json.dumps(env, indent=2) + "\n")
    os.replace(tmp, venv / MARKER)


def remove_venv(venv: Path) -> None:
    """Delete ``venv`` for --reinstall, refusing a folder that is not a venv (a typo must not wipe data)."""
    if not venv.exists():
        return
    if not ((venv / MARKER).is_file() or (venv / "pyvenv.cfg").is_file()):
        raise UsageError(f"{venv} is not a Python environment (no {MARKER} or pyvenv.cfg): "
                             "the installer will not delete it. Choose another --venv or remove it yourself.")
    shutil.rmtree(venv)


def create_venv(venv: Path, python: str = sys.executable) -> None:
    venv.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([python, "-m", "venv", str(venv)], capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-20:]
        raise InstallerError("verify_failed", f"Could not create the virtual environment in {venv}: "
                             f"{tail[-1] if tail else 'python -m venv failed'} (on Debian/Ubuntu: apt install "
                             "python3-venv).", "\n".join(tail) or None)


def venv_python_version(venv: Path) -> str:
    out = subprocess.run([str(venv_python(venv)), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()
