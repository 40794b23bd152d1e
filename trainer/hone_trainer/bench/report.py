"""Results files: results.json, comparison.csv (metric, fine-tuned, base, delta), needle grid CSV and
the two plots (score vs context length, score vs number of chunks)."""

from __future__ import annotations

import csv
import json

GRID_FIELDS = ["model", "mode", "context_length", "chunks", "depth", "distractors", "prompt_tokens", "question",
               "answer", "response", "exact", "contains", "f1", "judge_score", "judge_reason", "score", "seconds"]


def deltas(tuned: dict, base: dict) -> dict[str, float]:
    return {k: tuned[k] - base[k] for k in tuned if k in base and tuned[k] is not None and base[k] is not None}


def view_data(details: dict, rows_by_model: dict[str, list[dict]], errors: dict[str, str]) -> dict:
    """What a UI needs beyond the aggregate metrics, small enough for the completed event: the
    harness's metric directions and sample counts, the needle grid cell by cell (score only; the
    answers stay in needle_grid.csv) and why a suite failed."""
    from hone_trainer.bench.lmeval_suite import metric_directions

    lm = details.get("lm_eval") or {}
    lm_view = None
    if lm:
        directions: dict[str, bool] = {}
        samples: dict[str, int] = {}
        for out in lm.values():
            harness = out.get("harness") or {}
            for k, v in metric_directions(harness.get("results") or {}, harness.get("higher_is_better")).items():
                directions[f"lm_eval/{k}"] = v
            for task, n in (harness.get("n-samples") or {}).items():
                if isinstance(n, dict) and isinstance(n.get("effective"), int):
                    samples[task] = n["effective"]
        tasks = sorted({t for out in lm.values() for t in out.get("tasks") or []})
        lm_view = {"tasks": tasks, "higher_is_better": directions, "samples": samples}
    nd = details.get("needle") or {}
    needle_view = None
    if rows_by_model or nd:
        cells = [{"model": label, "mode": r["mode"],
                  "x": r["context_length"] if r["mode"] == "context" else r["chunks"],
                  "depth": r["depth"], "score": r["score"], "prompt_tokens": r["prompt_tokens"]}
                 for label, rows in rows_by_model.items() for r in rows]
        needle_view = {"scorer": "geval" if any(d.get("scorer") == "geval" for d in nd.values()) else "contains",
                       "cells": cells, "skipped_cells": {k: d.get("skipped_cells", 0) for k, d in nd.items()},
                       "judge_error": next((d["judge_error"] for d in nd.values() if d.get("judge_error")), None)}
    return {"lm_eval": lm_view, "needle": needle_view, "errors": dict(errors)}


def write_json(path: str, obj) -> str:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=2, default=str)
    return path


def write_comparison(path: str, metrics: dict[str, dict], delta: dict) -> str:
    keys = sorted(set().union(*[m.keys() for m in metrics.values()]) if metrics else [])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["metric", "fine-tuned", "base", "delta"])
        for k in keys:
            w.writerow([k, metrics.get("fine-tuned", {}).get(k, ""), metrics.get("base", {}).get(k, ""),
                        delta.get(k, "")])
    return path


def write_grid(path: str, rows_by_model: dict[str, list[dict]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=GRID_FIELDS, extrasaction="ignore")
        w.writeheader()
        for label, rows in rows_by_model.items():
            for r in rows:
                w.writerow({**r, "model": label})
    return path


def _series(rows: list[dict], mode: str, key: str) -> tuple[list, list]:
    xs = sorted({r[key] for r in rows if r["mode"] == mode})
    ys = [sum(r["score"] for r in rows if r["mode"] == mode and r[key] == x) /
          max(1, sum(1 for r in rows if r["mode"] == mode and r[key] == x)) for x in xs]
    return xs, ys


def plot(path: str, rows_by_model: dict[str, list[dict]], mode: str, key: str, xlabel: str, title: str,
         ylabel: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
    ticks: set = set()
    for label, rows in rows_by_model.items():
        xs, ys = _series(rows, mode, key)
        if xs:
            ticks.update(xs)
            ax.plot(xs, ys, marker="o", label=label, linestyle="--" if label == "base" else "-")
    if ticks:
        ax.set_xticks(sorted(ticks))  # the grid's own values, not fractional chunk counts
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.05, 1.05)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path
