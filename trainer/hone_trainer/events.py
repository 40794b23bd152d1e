"""Versioned JSON-lines events that the core tails (by byte offset) from ``events.jsonl``.

Each event is written with a single ``write`` call on a file opened in append mode, so a reader
never sees a partial line in normal operation. The pydantic models below are the schema; tests
validate every emitted line against them (``EVENT_JSON_SCHEMA`` is the same as JSON Schema).
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

EVENTS_VERSION = 1


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: Literal[1] = 1
    seq: int = Field(ge=1)
    ts: float


Num = float | None


class StartedEvent(_Event):
    type: Literal["started"]
    job_id: str
    method: Literal["supervised", "dpo"]
    model: str
    model_path: str
    device: str
    precision: Literal["fp32", "bf16", "fp16"]
    world_size: int
    n_examples: int
    n_validation_examples: int
    total_steps: int
    resumed_from_step: int | None
    hyperparameters: dict[str, Any]


class ProgressEvent(_Event):
    type: Literal["progress"]
    step: int
    total_steps: int
    epoch: float
    train_loss: Num
    train_mean_token_accuracy: Num = None
    learning_rate: Num
    grad_norm: Num
    tokens_per_second: Num
    eta_seconds: Num
    # DPO extras (reward margin / accuracy) land here; absent for supervised runs.
    extra: dict[str, float] = Field(default_factory=dict)


class EvalEvent(_Event):
    type: Literal["eval"]
    step: int
    valid_loss: Num  # null only when the loss was NaN
    valid_mean_token_accuracy: Num = None


class CheckpointEvent(_Event):
    type: Literal["checkpoint"]
    step: int
    path: str
    reason: Literal["epoch", "interval", "stop", "final"]
    metrics: dict[str, Num]


class WarningEvent(_Event):
    type: Literal["warning"]
    message: str
    code: str | None = None


class CompletedEvent(_Event):
    type: Literal["completed"]
    step: int
    trained_tokens: int
    metrics: dict[str, Num]
    adapter_path: str | None
    model_path: str | None
    results_file: str
    merge_command: str | None


class StoppedEvent(_Event):
    type: Literal["stopped"]
    step: int
    checkpoint_path: str | None
    reason: Literal["stop_file", "signal"]


class ErrorEvent(_Event):
    type: Literal["error"]
    message: str
    code: str
    traceback: str | None = None


Event = Annotated[
    StartedEvent | ProgressEvent | EvalEvent | CheckpointEvent | WarningEvent | CompletedEvent | StoppedEvent
    | ErrorEvent,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_JSON_SCHEMA: dict[str, Any] = EVENT_ADAPTER.json_schema()


def _clean(value: Any) -> Any:
    """JSON has no NaN/inf: report them as null rather than writing invalid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _last_seq(path: str) -> int:
    """Continue numbering after a resume: read the tail of an existing events file."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 65536))
            lines = fh.read().splitlines()
    except FileNotFoundError:
        return 0
    for raw in reversed(lines):
        try:
            return int(json.loads(raw)["seq"])
        except (ValueError, KeyError, TypeError):
            continue
    return 0


class EventWriter:
    """Appends events; only enabled on the reporting process (rank 0)."""

    def __init__(self, path: str | None, enabled: bool = True, echo: bool = False):
        self.path = path
        self.enabled = enabled and path is not None
        self.echo = echo
        self.seq = _last_seq(path) if self.enabled else 0
        if self.enabled:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def emit(self, type: str, **payload: Any) -> dict[str, Any] | None:
        if not self.enabled:
            return None
        self.seq += 1
        event = {"v": EVENTS_VERSION, "seq": self.seq, "ts": time.time(), "type": type, **_clean(payload)}
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
        if self.echo:
            print(f"[hone] {type}: {json.dumps(payload, default=str)[:300]}", flush=True)
        return event

    def warning(self, message: str, code: str | None = None) -> None:
        print(f"[hone] warning: {message}", flush=True)
        self.emit("warning", message=message, code=code)


def validate_event(obj: dict[str, Any]) -> BaseModel:
    return EVENT_ADAPTER.validate_python(obj)
