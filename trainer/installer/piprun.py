"""Running pip: its lines become log events and download/install progress; its failures get a code."""

from __future__ import annotations

import os
import re
import subprocess
from collections import deque
from collections.abc import Callable, Sequence

from .report import InstallerError, Reporter

NETWORK_MARKERS = (
    "Failed to establish a new connection", "Temporary failure in name resolution", "Name or service not known",
    "Network is unreachable", "ProxyError", "Cannot connect to proxy", "Connection refused", "Read timed out",
    "ConnectTimeoutError", "Could not fetch URL", "nodename nor servname",
)
DISK_MARKERS = ("No space left on device", "[Errno 28]")

_SIZE = re.compile(r"\(([\d.]+)\s*(kB|KB|MB|GB|B|bytes)\)")
_UNITS = {"B": 1, "bytes": 1, "kB": 1000, "KB": 1000, "MB": 1000**2, "GB": 1000**3}
# One line per distribution that will be installed: fetched, taken from the cache, or a local file.
_ITEM = re.compile(r"^\s*(Downloading|Using cached|Processing|File was already downloaded)\s+(\S+)")


def offline_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """pip with no configuration and no index from the environment: nothing can reach the network."""
    env = dict(os.environ if base is None else base)
    for key in list(env):
        if key.upper() in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONSTRAINT",
                           "PIP_CONFIG_FILE", "PIP_NO_INDEX"):
            del env[key]
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def parse_size(line: str) -> int | None:
    m = _SIZE.search(line)
    return int(float(m.group(1)) * _UNITS[m.group(2)]) if m else None


class ProgressParser:
    """Turns pip's install output into (n of m, bytes) — m comes from the dry-run report or the manifest."""

    def __init__(self, total: int, sizes: dict[str, int] | None = None):
        self.total = total
        self.sizes = sizes or {}  # file name → bytes (from a wheelhouse manifest)
        self.done = 0
        self.bytes_done = 0

    def feed(self, line: str) -> dict | None:
        m = _ITEM.match(line)
        if not m:
            return None
        item = os.path.basename(m.group(2).rstrip("/"))
        if m.group(1) == "Processing" and not item.endswith((".whl", ".tar.gz", ".zip")):
            return None  # a local source tree (the editable trainer): no download
        size = parse_size(line)
        if size is None:
            size = self.sizes.get(item)
        if size is None:  # a local file (find-links, file:// index): its size is on disk
            path = m.group(2)
            size = os.path.getsize(path) if os.path.isfile(path) else 0
        self.done = min(self.done + 1, max(self.total, self.done + 1))
        self.bytes_done += size
        return {"done": self.done, "total": max(self.total, self.done), "bytes_done": self.bytes_done,
                "item": item}


def last_error_line(lines: Sequence[str]) -> str | None:
    """pip's last meaningful error sentence (e.g. "No matching distribution found for foo")."""
    for line in reversed(lines):
        s = line.strip()
        if s.startswith("ERROR:") and "pip's dependency resolver" not in s:
            return s[len("ERROR:"):].strip()
    for line in reversed(lines):
        s = line.strip()
        if s and not s.startswith(("WARNING", "[notice]", "note:", "hint:")):
            return s
    return None


def classify(lines: Sequence[str], what: str) -> InstallerError:
    text = "\n".join(lines)
    detail = "\n".join(list(lines)[-20:]) or None
    if any(m in text for m in DISK_MARKERS):
        return InstallerError("disk_full", f"The disk ran out of space while pip was {what} "
                              "(No space left on device). Free some space and run the install again.", detail)
    if any(m in text for m in NETWORK_MARKERS):
        return InstallerError("no_network", f"pip could not reach a package index while {what}: check the "
                              "network or proxy settings, or install from a wheelhouse (see docs/air-gapped.md).",
                              detail)
    reason = last_error_line(lines) or "pip exited with an error"
    return InstallerError("pip_failed", f"pip failed while {what}: {reason}", detail)


def run_pip(python: str, args: Sequence[str], rep: Reporter, what: str, env: dict[str, str] | None = None,
            on_line: Callable[[str], None] | None = None) -> list[str]:
    """Run ``python -m pip <args>``, streaming each line; raise a classified InstallerError on failure."""
    cmd = [python, "-m", "pip", *args]
    tail: deque[str] = deque(maxlen=400)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            stdin=subprocess.DEVNULL, bufsize=1)
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        tail.append(line)
        rep.log(line)
        if on_line:
            on_line(line)
    if proc.wait() != 0:
        raise classify(list(tail), what)
    return list(tail)


PIP_QUIET_FLAGS = ["--disable-pip-version-check", "--no-input", "--progress-bar", "off"]
# For `pip install` only: byte-compiling every module of torch and its neighbours at install time was
# 40 % of torch's install here (40.4 s → 24.8 s without it); Python compiles what it imports on first
# use into the venv, which the app owns and can write.
PIP_INSTALL_FLAGS = [*PIP_QUIET_FLAGS, "--no-compile"]
