"""The worker's wire: protocol lines on the real stdout, requests read on their own thread.

Libraries print to stdout (progress bars, warnings, C extensions); the core parses every stdout
line as JSON. So the real stdout is kept as a private descriptor for protocol lines and fd 1 itself
is pointed at stderr, which catches Python and C-level prints alike."""

from __future__ import annotations

import json
import os
import queue
import sys
import threading


class Channel:
    def __init__(self) -> None:
        sys.stdout.flush()
        self._out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        self._lock = threading.Lock()  # the reader thread answers `cancel` while the main thread streams
        self.requests: queue.Queue = queue.Queue()
        self._cancelled: set[str] = set()
        self._closing = False  # shutdown read: what is still queued ends at once, cancelled
        self._state = threading.Lock()

    def send(self, obj: dict) -> None:
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()

    # -- cancellation, shared by the reader thread and the generation loop -----------------------
    def end(self, rid: str) -> None:
        with self._state:
            self._cancelled.discard(rid)

    def is_cancelled(self, rid: str) -> bool:
        return self._closing or rid in self._cancelled  # cheap enough to check every token

    def _cancel(self, target: str) -> None:
        with self._state:
            self._cancelled.add(target)

    # -- the reader thread -----------------------------------------------------------------------
    def start_reader(self) -> None:
        threading.Thread(target=self._read, name="hone-serve-stdin", daemon=True).start()

    def _read(self) -> None:
        for raw in sys.stdin:
            raw = raw.strip()
            if not raw:
                continue
            try:
                req = json.loads(raw)
                if not isinstance(req, dict):
                    raise ValueError("a request must be a JSON object")
            except ValueError as e:
                self.send({"id": None, "event": "error", "message": f"not a JSON request: {e}",
                           "code": "invalid_request"})
                continue
            op = req.get("op")
            if op == "cancel":
                target = req.get("target")
                if not isinstance(target, str):
                    self.send({"id": req.get("id"), "event": "error", "message": "cancel needs a string 'target'",
                               "code": "invalid_request"})
                    continue
                # Marked even when the target is still queued: it then ends at once, as cancelled.
                self._cancel(target)
                self.send({"id": req.get("id"), "event": "ok"})
                continue
            if op == "shutdown":
                self._closing = True  # do not make the core wait for generations it no longer wants
            self.requests.put(req)
        # stdin closed: the core is gone (or done with us)
        self._closing = True
        self.requests.put({"id": None, "op": "shutdown"})
