"""Progress as JSON lines on stdout (the core parses them); everything else goes to stderr."""

from __future__ import annotations

import json
import sys
from typing import Any


class Progress:
    """Maps each stage onto a slice of 0..1 so the overall progress only grows."""

    def __init__(self, stages: list[tuple[str, float]], stream=None):
        total = sum(w for _, w in stages) or 1.0
        self.start: dict[str, float] = {}
        self.width: dict[str, float] = {}
        acc = 0.0
        for name, w in stages:
            self.start[name], self.width[name] = acc / total, w / total
            acc += w
        self.stream = stream or sys.stdout

    def emit(self, event: str, **fields: Any) -> None:
        self.stream.write(json.dumps({"event": event, **fields}) + "\n")
        self.stream.flush()

    def stage(self, stage: str, fraction: float, message: str) -> None:
        f = min(max(fraction, 0.0), 1.0)
        p = self.start.get(stage, 0.0) + self.width.get(stage, 0.0) * f
        self.emit("progress", stage=stage, progress=round(min(p, 1.0), 4), message=message)
