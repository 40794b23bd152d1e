"""spec.json (version 1), written by the core into the job dir. Unknown keys are ignored."""

from __future__ import annotations

import json
import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Auto = Literal["auto"]


class SpecError(Exception):
    """Invalid spec or missing input: exit code 2."""

    def __init__(self, message: str, code: str = "invalid_spec"):
        super().__init__(message)
        self.code = code


class Hyperparameters(BaseModel):
    model_config = ConfigDict(extra="ignore")
    n_epochs: Auto | int = "auto"
    batch_size: Auto | int = "auto"
    learning_rate_multiplier: Auto | float = "auto"
    beta: Auto | float = "auto"
    # Hone extras
    max_seq_length: int | None = Field(default=None, ge=8)
    lora_r: int = Field(default=16, ge=1)
    lora_alpha: float = Field(default=32, gt=0)
    lora_dropout: float = Field(default=0.05, ge=0, lt=1)
    warmup_ratio: float = Field(default=0.0, ge=0, lt=1)
    gradient_accumulation_steps: int = Field(default=1, ge=1)
    full_finetune: bool = False
    qlora: bool = False
    eval_steps: int | None = Field(default=None, ge=1)
    distributed: Literal["ddp", "fsdp"] = "ddp"

    @field_validator("n_epochs")
    @classmethod
    def _epochs(cls, v):
        if v != "auto" and not 1 <= v <= 50:
            raise ValueError("n_epochs must be 'auto' or an integer in 1..50")
        return v

    @field_validator("batch_size")
    @classmethod
    def _batch(cls, v):
        if v != "auto" and not 1 <= v <= 256:
            raise ValueError("batch_size must be 'auto' or an integer in 1..256")
        return v

    @field_validator("learning_rate_multiplier")
    @classmethod
    def _lrm(cls, v):
        if v != "auto" and not v > 0:
            raise ValueError("learning_rate_multiplier must be 'auto' or a number > 0")
        return v

    @field_validator("beta")
    @classmethod
    def _beta(cls, v):
        if v != "auto" and not 0 < v <= 2:
            raise ValueError("beta must be 'auto' or a number in (0, 2]")
        return v


class CheckpointSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")
    every_seconds: float = Field(default=600, gt=0)
    keep: int = Field(default=3, ge=1)


class MlflowSettings(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tracking_uri: str
    experiment_name: str | None = None
    run_name: str | None = None


class Spec(BaseModel):
    model_config = ConfigDict(extra="ignore")
    version: Literal[1]
    job_id: str = Field(min_length=1)
    model: str = Field(min_length=1)
    models_dir: str
    training_file: str
    validation_file: str | None = None
    method: Literal["supervised", "dpo"] = "supervised"
    hyperparameters: Hyperparameters = Field(default_factory=Hyperparameters)
    seed: int = 42
    output_dir: str
    events_file: str
    stop_file: str | None = None
    resume: bool = False
    gpus: int = Field(default=0, ge=0)
    checkpoint: CheckpointSettings = Field(default_factory=CheckpointSettings)
    mlflow: MlflowSettings | None = None

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, v):
        # Accept the OpenAI create-body shape {"type": "dpo", ...} as well as the bare string.
        if isinstance(v, dict):
            return v.get("type")
        return v


def guess_events_file(spec_path: str) -> str:
    """Where to report a spec that cannot even be parsed: next to it (the job dir)."""
    try:
        with open(spec_path, encoding="utf-8") as fh:
            raw = json.load(fh)
        if isinstance(raw, dict) and isinstance(raw.get("events_file"), str):
            return raw["events_file"]
    except (OSError, ValueError):
        pass
    return os.path.join(os.path.dirname(os.path.abspath(spec_path)), "events.jsonl")


def load_spec(path: str) -> Spec:
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except FileNotFoundError:
        raise SpecError(f"spec file not found: {path}", "file_not_found") from None
    except ValueError as e:
        raise SpecError(f"spec file is not valid JSON: {e}") from e
    if not isinstance(raw, dict):
        raise SpecError("spec must be a JSON object")
    try:
        spec = Spec.model_validate(raw)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in e.errors()
        )
        raise SpecError(f"invalid spec: {problems}") from e
    for name in ("training_file", "validation_file"):
        value = getattr(spec, name)
        if value is None:
            continue
        if not os.path.isfile(value):
            raise SpecError(f"{name} not found: {value}", "file_not_found")
    return spec
