import csv
import random
from pathlib import Path

import pytest

from hone_trainer.bench import needle, report, scoring
from hone_trainer.bench.spec import NeedleSuite

from .conftest import RESOURCES, TINY_NEEDLE


def test_deterministic_scorers():
    assert scoring.exact("The Amber.", "amber") == 1.0
    assert scoring.contains("The code is 4817, I think", "4817") == 1.0
    assert scoring.contains("The code is 48170", "4817") == 0.0  # whole words only
    assert scoring.token_f1("code 4817", "4817") == pytest.approx(2 / 3)
    assert scoring.token_f1("", "4817") == 0.0


def test_haystack_places_needle_at_depth_and_respects_length(tiny_tokenizer):
    hay = needle.Haystack(RESOURCES, 0)
    pb = needle.PromptBuilder(tiny_tokenizer)
    for depth in (0.0, 0.5, 1.0):
        rng = random.Random(1)
        case = hay.case(rng)
        ctx = needle.build_context(hay, pb, rng, case, 400, depth)
        pos = ctx.index(case.fact) / max(1, len(ctx) - len(case.fact))
        assert abs(pos - depth) < 0.2, (depth, pos)
        n = pb.n_tokens(pb.render(ctx, case.question))
        assert 300 < n <= 400
        assert case.answer in case.fact and all(case.answer not in d for d in case.distractors)
    rng = random.Random(2)
    case = hay.case(rng)
    text, k = needle.build_chunks(hay, pb, rng, case, 4, 1.0, 64, 2)
    docs = text.split("[Document ")[1:]
    assert len(docs) == 4 and case.fact in docs[3] and k == 2
    assert sum(any(d in doc for d in case.distractors) for doc in docs) == 2


def test_needle_grid_runs_for_real_and_writes_plots_and_csv(tiny_dir, tmp_path):
    suite = NeedleSuite(**TINY_NEEDLE)
    model = needle.NeedleModel(tiny_dir, None, "cpu")
    progress, warnings = [], []
    out = needle.run_needle(model, suite, RESOURCES, None, lambda *a: progress.append(a),
                            lambda *a: warnings.append(a))
    rows = out["rows"]
    assert len(rows) == len(needle.grid(suite)) == 8 and not warnings
    assert progress[-1][:2] == (8, 8)
    assert {r["mode"] for r in rows} == {"context", "chunks"}
    assert all(r["response"] is not None and 0 <= r["score"] <= 1 for r in rows)
    assert out["scorer"] == "contains"
    m = out["metrics"]
    assert {"needle/score", "needle/exact", "needle/contains", "needle/f1", "needle/context_96/score",
            "needle/context_192/score", "needle/chunks_1/score", "needle/chunks_3/score"} <= set(m)
    # same seed -> same haystacks and answers (base and fine-tuned runs are comparable)
    again = needle.run_needle(model, suite, RESOURCES, None, lambda *a: None, lambda *a: None)["rows"]
    assert [r["response"] for r in again] == [r["response"] for r in rows]

    by_model = {"fine-tuned": rows, "base": again}
    grid_csv = report.write_grid(str(tmp_path / "grid.csv"), by_model)
    assert len(list(csv.DictReader(Path(grid_csv).read_text().splitlines()))) == 16
    for mode, key in (("context", "context_length"), ("chunks", "chunks")):
        png = report.plot(str(tmp_path / f"{mode}.png"), by_model, mode, key, "x", "t", "score")
        data = Path(png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_cells_longer_than_the_model_are_skipped_with_a_warning(tiny_dir):
    suite = NeedleSuite(context_lengths=[5000], depths=[0.5], chunk_counts=[1], max_new_tokens=4)
    model = needle.NeedleModel(tiny_dir, None, "cpu")
    warnings = []
    out = needle.run_needle(model, suite, RESOURCES, None, lambda *a: None, lambda *a: warnings.append(a))
    assert out["skipped_cells"] == 1 and len(out["rows"]) == 1
    assert warnings[0][1] == "needle_cell_skipped" and "1024 positions" in warnings[0][0]
