"""Outliving the core. The core runs the trainer under a pseudo-terminal and copies what it prints
into the job's console file. When the core process exits (a crash, or a restart of the desktop app's
core), the terminal hangs up: SIGHUP arrives and writes to it fail with EIO. Training goes on:
stdout and stderr are pointed straight at the console file (the same file, appended), and the core
that starts next re-attaches to this process by its pid. ``trainer-exit.json`` beside the spec tells
that core the exit code it cannot collect from a process that is not its child."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import sys


def _redirect(console_file: str) -> None:
    fd = os.open(console_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


class _Resilient:
    """A text stream that, when its terminal is gone (EIO), moves to the console file and retries.
    The SIGHUP handler usually gets there first; this covers a write that races it."""

    def __init__(self, stream, console_file: str):
        self._stream = stream
        self._console_file = console_file

    def _retry(self, fn, *args):
        try:
            return fn(*args)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            _redirect(self._console_file)
            return fn(*args)

    def write(self, s):
        return self._retry(self._stream.write, s)

    def flush(self):
        return self._retry(self._stream.flush)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def survive_hangup(console_file: str | None) -> None:
    """Keeps training when the terminal hangs up; a no-op without a console file (a plain shell)."""
    if not console_file or not hasattr(signal, "SIGHUP"):
        return
    signal.signal(signal.SIGHUP, lambda _signum, _frame: _redirect(console_file))
    sys.stdout = _Resilient(sys.stdout, console_file)
    sys.stderr = _Resilient(sys.stderr, console_file)


def write_exit(spec_path: str, code: int) -> None:
    """Records the exit code beside the spec (best effort: the core treats a missing file as killed)."""
    path = os.path.join(os.path.dirname(os.path.abspath(spec_path)), "trainer-exit.json")
    with contextlib.suppress(OSError):
        with open(path + ".tmp", "w") as f:
            json.dump({"code": code, "pid": os.getpid()}, f)
        os.replace(path + ".tmp", path)
