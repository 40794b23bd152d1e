"""Output: JSON lines for the core (``--json``) or readable lines for a terminal (setup.sh)."""

from __future__ import annotations

import json
import sys
from typing import Any

STEPS = ("python", "hardware", "disk", "venv", "resolve", "download", "install", "verify", "smoke")


class InstallerError(Exception):
    """A failure with one of the protocol's codes; ``detail`` is the tail of pip's output when pip failed."""

    def __init__(self, code: str, message: str, detail: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


class Reporter:
    def __init__(self, json_mode: bool, out=None):
        self.json_mode = json_mode
        self.out = out or sys.stdout
        self.current: str | None = None

    def _emit(self, obj: dict[str, Any]) -> None:
        self.out.write(json.dumps(obj) + "\n")
        self.out.flush()

    def step(self, step: str, status: str, message: str) -> None:
        assert step in STEPS, step
        self.current = step if status == "running" else None
        if self.json_mode:
            self._emit({"event": "step", "step": step, "status": status, "message": message})
        else:
            mark = {"running": "..", "done": "ok", "failed": "FAILED", "skipped": "skipped"}[status]
            print(f"[installer] {step}: {message} [{mark}]", file=self.out, flush=True)

    def progress(self, step: str, done: int, total: int, bytes_done: int, bytes_total: int | None,
                 item: str) -> None:
        if self.json_mode:
            self._emit({"event": "progress", "step": step, "done": done, "total": total,
                        "bytes_done": bytes_done, "bytes_total": bytes_total, "item": item})
        elif item:  # the closing n-of-n without an item is for the UI's bar only
            print(f"[installer]   {step} {done}/{total} {item}", file=self.out, flush=True)

    def log(self, line: str) -> None:
        if self.json_mode:
            self._emit({"event": "log", "line": line})
        # A terminal user sees progress lines; pip's own output stays in the error detail when it fails.

    def info(self, line: str) -> None:
        """An installer remark (fallbacks, choices): a log event, or a readable line."""
        if self.json_mode:
            self._emit({"event": "log", "line": line})
        else:
            print(f"[installer] {line}", file=self.out, flush=True)

    def error(self, err: InstallerError) -> None:
        if self.current:
            self.step(self.current, "failed", err.message)
        if self.json_mode:
            self._emit({"event": "error", "code": err.code, "message": err.message, "detail": err.detail})
        else:
            print(f"[installer] error ({err.code}): {err.message}", file=sys.stderr, flush=True)
            if err.detail:
                print(err.detail, file=sys.stderr, flush=True)

    def done(self, env: dict[str, Any]) -> None:
        if self.json_mode:
            self._emit({"event": "done", "env": env})
        else:
            print(f"[installer] done: torch {env.get('torch_version')} ({env.get('torch_variant')}), "
                  f"profile {env.get('profile')}", file=self.out, flush=True)


class UsageError(Exception):
    """Bad arguments (exit code 2)."""
