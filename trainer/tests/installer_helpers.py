"""Helpers for the installer tests: run ``python3 trainer/installer`` as the core and setup.sh do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TRAINER = Path(__file__).resolve().parent.parent
INSTALLER = TRAINER / "installer"
if str(TRAINER) not in sys.path:
    sys.path.insert(0, str(TRAINER))

# The installer runs before any venv exists: use the base interpreter, not the test venv's.
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
PROXY_OFF = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
             "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "no_proxy": "",
             "NO_PROXY": ""}


def run_installer(*args: str, env: dict[str, str] | None = None, timeout: float = 1800):
    """(exit code, JSON events, stderr) of ``installer <args> --json``; every stdout line must be JSON."""
    proc = subprocess.run([BASE_PYTHON, str(INSTALLER), *args, "--json"], capture_output=True, text=True,
                          env=env if env is not None else dict(os.environ), timeout=timeout)
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    return proc.returncode, events, proc.stderr


def error_of(events: list[dict]) -> dict:
    errors = [e for e in events if e["event"] == "error"]
    assert len(errors) == 1, events[-5:]
    return errors[0]
