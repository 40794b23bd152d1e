"""Kept for callers of the old module: the merge now lives in ``hone_trainer.exporting``."""

from __future__ import annotations

import os


def export_merged(adapter: str, out: str, base: str | None = None, models_dir: str | None = None,
                  dtype: str = "auto") -> str:
    from hone_trainer.exporting import run_export

    run_export("merged", out, adapter=adapter, base=base,
               models_dir=models_dir or os.path.join(os.path.dirname(out), "models"), dtype=dtype)
    return out
