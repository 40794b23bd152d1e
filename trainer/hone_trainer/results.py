"""results.csv in OpenAI's result-file columns, one row per optimizer step, appended as steps finish."""

from __future__ import annotations

import csv
import os

COLUMNS = ["step", "train_loss", "train_mean_token_accuracy", "valid_loss", "valid_mean_token_accuracy"]


def _fmt(v) -> str:
    return "" if v is None else f"{v:.6g}" if isinstance(v, float) else str(v)


class ResultsWriter:
    def __init__(self, path: str, resume_step: int | None):
        self.path = path
        self.pending: dict | None = None
        if resume_step is not None and os.path.isfile(path):
            # Drop rows past the checkpoint we resume from; they will be trained again.
            with open(path, newline="") as fh:
                rows = [r for r in csv.DictReader(fh) if r.get("step", "").isdigit() and int(r["step"]) <= resume_step]
            self._write_all(rows)
        else:
            self._write_all([])

    def _write_all(self, rows) -> None:
        tmp = self.path + ".tmp"
        with open(tmp, "w", newline="") as fh:
            w = csv.DictWriter(fh, COLUMNS)
            w.writeheader()
            w.writerows(rows)
        os.replace(tmp, self.path)

    def update(self, step: int, **values) -> None:
        if self.pending is not None and self.pending["step"] != step:
            self.flush()
        if self.pending is None:
            self.pending = {"step": step}
        self.pending.update({k: v for k, v in values.items() if k in COLUMNS and v is not None})

    def flush(self) -> None:
        if self.pending is None:
            return
        with open(self.path, "a", newline="") as fh:
            csv.DictWriter(fh, COLUMNS).writerow({k: _fmt(self.pending.get(k)) for k in COLUMNS})
        self.pending = None
