"""Progress of a model download or build, measured from the bytes it has written to disk.

While it runs, a line is rewritten on stderr (carriage return, so a job's console shows one moving
line): ``Downloading org/name: 12.3 MB of 988.1 MB (12345678/988123456 bytes)``. The core parses the
``(done/total bytes)`` part for the Models API's progress; ``?`` stands for an unknown total.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterable


def tree_bytes(roots: Iterable[str]) -> int:
    total = 0
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                with contextlib.suppress(OSError):  # renamed or removed while we looked
                    total += os.lstat(os.path.join(dirpath, f)).st_size
    return total


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


class DiskProgress:
    def __init__(self, label: str, roots: Callable[[], Iterable[str]], total: int | None, every: float = 1.0,
                 out=None):
        self.label, self.roots, self.total, self.every = label, roots, total, every
        self.out = out or sys.stderr
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._shown = False

    def line(self) -> str:
        done = tree_bytes(self.roots())
        if self.total:
            done = min(done, self.total)
            return f"{self.label}: {_mb(done)} of {_mb(self.total)} ({done}/{self.total} bytes)"
        return f"{self.label}: {_mb(done)} ({done}/? bytes)"

    def _emit(self, text: str, end: str = "") -> None:
        self.out.write("\r" + text + end)
        self.out.flush()
        self._shown = True

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._emit(self.line())

    def __enter__(self) -> DiskProgress:
        self._emit(self.line())
        self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stop.set()
        self._thread.join()
        if exc_type is None and self.total:
            self._emit(f"{self.label}: done, {_mb(self.total)} ({self.total}/{self.total} bytes)", "\n")
        elif self._shown:
            self.out.write("\n")
            self.out.flush()
