"""Base-model results cached by a digest of (model identity, suite settings, suite version), so the
base model is benchmarked once per settings and reused across jobs."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile


def model_identity(model_dir: str) -> dict:
    """config.json contents plus weight file names and sizes: changes when the weights change."""
    ident: dict = {}
    try:
        with open(os.path.join(model_dir, "config.json"), "rb") as fh:
            ident["config"] = hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        pass
    ident["weights"] = sorted((f, os.path.getsize(os.path.join(model_dir, f))) for f in os.listdir(model_dir)
                              if f.endswith((".safetensors", ".bin", ".gguf")))
    return ident


def digest(model: str, model_dir: str, suite: str, version: str, settings: dict, device: str) -> str:
    payload = {"model": model, "identity": model_identity(model_dir), "suite": suite, "version": version,
               "settings": settings, "device": device.split(":")[0]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:24]


class ResultCache:
    def __init__(self, cache_dir: str | None):
        self.dir = cache_dir

    def _path(self, suite: str, key: str) -> str:
        return os.path.join(self.dir, f"base-{suite}-{key}.json")

    def get(self, suite: str, key: str) -> dict | None:
        if not self.dir:
            return None
        try:
            with open(self._path(suite, key), encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return None

    def put(self, suite: str, key: str, value: dict) -> None:
        if not self.dir:
            return
        os.makedirs(self.dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh)
        os.replace(tmp, self._path(suite, key))  # atomic: concurrent jobs never read half a file
