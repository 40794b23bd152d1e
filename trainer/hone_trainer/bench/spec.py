"""The benchmark spec (v1) the core writes as JSON. Validation errors exit with code 2."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SPEC_VERSION = 1


class BenchSpecError(Exception):
    pass


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LmEvalSuite(_Strict):
    tasks: Literal["default"] | list[str] = "default"
    limit: int | None = Field(default=None, ge=1)
    num_fewshot: int | None = Field(default=None, ge=0)
    batch_size: int | Literal["auto"] = 1

    @field_validator("tasks")
    @classmethod
    def _non_empty(cls, v):
        if isinstance(v, list) and (not v or not all(isinstance(t, str) and t.strip() for t in v)):
            raise ValueError("tasks must be 'default' or a non-empty list of task names")
        return v


class Judge(_Strict):
    base_url: str
    api_key: str | None = None
    model: str


class NeedleSuite(_Strict):
    context_lengths: list[int] = Field(min_length=1)
    depths: list[float] = Field(min_length=1)
    chunk_counts: list[int] = Field(min_length=1)
    judge: Judge | None = None
    max_new_tokens: int = Field(default=32, ge=1, le=1024)
    # Optional knobs (defaults keep the grid comparable across jobs).
    distractors: int = Field(default=2, ge=0)
    chunk_tokens: int = Field(default=96, ge=16)
    seed: int = 0

    @field_validator("context_lengths", "chunk_counts")
    @classmethod
    def _positive(cls, v):
        if any(x < 1 for x in v):
            raise ValueError("values must be >= 1")
        return v

    @field_validator("depths")
    @classmethod
    def _unit(cls, v):
        if any(not 0.0 <= x <= 1.0 for x in v):
            raise ValueError("depths must be between 0 and 1")
        return v


class Suites(_Strict):
    lm_eval: LmEvalSuite | None = None
    needle: NeedleSuite | None = None


class MlflowSettings(_Strict):
    tracking_uri: str
    experiment_name: str
    run_name: str | None = None


class BenchSpec(_Strict):
    version: Literal[1]
    job_id: str | None = None
    model: str
    adapter_path: str | None = None
    models_dir: str
    output_dir: str
    events_file: str
    suites: Suites
    compare_base: bool = True
    cache_dir: str | None = None
    mlflow: MlflowSettings | None = None
    gpus: int = Field(default=0, ge=0)
    # Where the offline task files and needle filler live; default: <repo>/resources/bench.
    resources_dir: str | None = None


def load_spec(path: str) -> BenchSpec:
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, ValueError) as e:
        raise BenchSpecError(f"cannot read spec {path}: {e}") from e
    try:
        spec = BenchSpec.model_validate(raw)
    except ValidationError as e:
        msgs = "; ".join(f"{'.'.join(map(str, err['loc'])) or '<root>'}: {err['msg']}" for err in e.errors())
        raise BenchSpecError(f"invalid benchmark spec: {msgs}") from e
    if spec.suites.lm_eval is None and spec.suites.needle is None:
        raise BenchSpecError("invalid benchmark spec: suites: at least one of lm_eval, needle is required")
    return spec
