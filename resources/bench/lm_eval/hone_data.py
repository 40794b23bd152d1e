"""Loads Hone's own offline task data (JSONL next to this file) without the hub or the datasets cache.

Used by the task YAMLs through ``custom_dataset: !function hone_data.<name>``, so the YAMLs need no
absolute paths and work from any install location."""

import json
import os

import datasets

_HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name: str) -> "datasets.DatasetDict":
    with open(os.path.join(_HERE, name), encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return datasets.DatasetDict({"test": datasets.Dataset.from_list(rows)})


def knowledge(**_kwargs):
    return _load("hone_knowledge.jsonl")


def completion(**_kwargs):
    return _load("hone_completion.jsonl")


def arithmetic(**_kwargs):
    return _load("hone_arithmetic.jsonl")
