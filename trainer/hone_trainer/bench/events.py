"""Benchmark events: the same versioned JSON-lines format (and writer) as training events.

The pydantic models document the payloads; tests validate every line against them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from hone_trainer.events import ErrorEvent, EventWriter, WarningEvent, _Event

__all__ = ["BENCH_EVENT_ADAPTER", "EventWriter", "validate_bench_event"]

ModelLabel = Literal["fine-tuned", "base"]


class BenchStartedEvent(_Event):
    type: Literal["started"]
    kind: Literal["benchmark"] = "benchmark"
    job_id: str | None
    model: str
    adapter_path: str | None
    device: str
    suites: list[str]
    compare_base: bool


class BenchProgressEvent(_Event):
    type: Literal["progress"]
    suite: str
    step: int
    total: int
    message: str


class SuiteResultEvent(_Event):
    type: Literal["suite_result"]
    suite: str
    model: ModelLabel
    metrics: dict[str, float | None]
    cached: bool = False


class LmEvalView(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tasks: list[str]
    higher_is_better: dict[str, bool]  # "lm_eval/<task>/<metric>" -> the harness's direction
    samples: dict[str, int]  # task -> documents evaluated


class NeedleCell(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: ModelLabel
    mode: Literal["context", "chunks"]
    x: int  # context length (prompt tokens) or number of chunks
    depth: float
    score: float
    prompt_tokens: int


class NeedleView(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scorer: Literal["contains", "geval"]
    cells: list[NeedleCell]
    skipped_cells: dict[str, int]
    judge_error: str | None


class BenchReport(BaseModel):
    """Per-task and per-cell data for a UI (report.view_data)."""

    model_config = ConfigDict(extra="forbid")
    lm_eval: LmEvalView | None
    needle: NeedleView | None
    errors: dict[str, str]  # failed suite -> reason


class BenchCompletedEvent(_Event):
    type: Literal["completed"]
    kind: Literal["benchmark"] = "benchmark"
    metrics: dict[str, dict[str, float | None]]  # {"fine-tuned": {...}, "base": {...}}
    deltas: dict[str, float | None]
    artifacts: dict[str, str]
    failed_suites: list[str]
    mlflow_run_id: str | None
    report: BenchReport | None = None


BenchEvent = Annotated[
    BenchStartedEvent | BenchProgressEvent | SuiteResultEvent | WarningEvent | BenchCompletedEvent | ErrorEvent,
    Field(discriminator="type"),
]
BENCH_EVENT_ADAPTER: TypeAdapter[BenchEvent] = TypeAdapter(BenchEvent)


def validate_bench_event(obj: dict[str, Any]):
    return BENCH_EVENT_ADAPTER.validate_python(obj)
