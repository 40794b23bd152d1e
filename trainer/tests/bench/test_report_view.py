"""The completed event's `report`: per-task directions and per-cell needle scores for the UI, checked
against the run's own metrics and needle_grid.csv (a real CLI run on hone-tiny-llama)."""

import csv

from hone_trainer.bench import lmeval_suite, report

from .conftest import TINY_NEEDLE, assert_bench_events_valid


def test_completed_report_has_directions_samples_and_every_needle_cell(make_bench):
    job = make_bench("view", compare_base=False)
    assert job.run() == 0, job.console
    assert_bench_events_valid(job)  # the report is validated by BenchReport too
    done = job.of("completed")[0]
    view, metrics = done["report"], done["metrics"]["base"]
    assert view["errors"] == {}

    lm = view["lm_eval"]
    assert lm["tasks"] == sorted(lmeval_suite.OFFLINE_DEFAULT_TASKS)
    assert lm["samples"] == dict.fromkeys(lmeval_suite.OFFLINE_DEFAULT_TASKS, 2)  # limit=2
    lm_metrics = {k for k in metrics if k.startswith("lm_eval/")}
    assert set(lm["higher_is_better"]) == lm_metrics and all(lm["higher_is_better"].values())

    nd = view["needle"]
    assert nd["scorer"] == "contains" and nd["skipped_cells"] == {"base": 0} and nd["judge_error"] is None
    grid = list(csv.DictReader((job.root / "out" / "needle_grid.csv").read_text().splitlines()))
    assert len(nd["cells"]) == len(grid) == 2 * 2 * 2  # (2 lengths + 2 chunk counts) x 2 depths
    for cell, row in zip(nd["cells"], grid, strict=True):
        assert cell["model"] == row["model"] == "base" and cell["mode"] == row["mode"]
        assert str(cell["x"]) == row["context_length" if cell["mode"] == "context" else "chunks"]
        assert float(row["depth"]) == cell["depth"] and float(row["score"]) == cell["score"]
    # The per-length and per-chunk-count means are the metrics the run logged.
    for mode, xs in (("context", TINY_NEEDLE["context_lengths"]), ("chunks", TINY_NEEDLE["chunk_counts"])):
        for x in xs:
            scores = [c["score"] for c in nd["cells"] if c["mode"] == mode and c["x"] == x]
            assert abs(sum(scores) / len(scores) - metrics[f"needle/{mode}_{x}/score"]) < 1e-9


def test_a_failed_suite_reason_is_in_the_report(make_bench):
    job = make_bench("view-partial", compare_base=False,
                     suites={"lm_eval": {"tasks": ["no_such_task_xyz"], "limit": 1, "num_fewshot": None,
                                         "batch_size": 1},
                             "needle": {**TINY_NEEDLE, "context_lengths": [96], "chunk_counts": [1],
                                        "depths": [0.5]}})
    assert job.run_inprocess() == 0
    assert_bench_events_valid(job)
    view = job.of("completed")[0]["report"]
    assert view["lm_eval"] is None and "no_such_task_xyz" in view["errors"]["lm_eval"]
    assert [c["x"] for c in view["needle"]["cells"]] == [96, 1]


def test_metric_directions_follow_the_harness_and_its_filters():
    results = {"wiki": {"word_perplexity,none": 30.1, "bits_per_byte,none": 1.2, "alias": "wiki"},
               "gsm": {"exact_match,strict-match": 0.1, "exact_match_stderr,strict-match": 0.01}}
    hib = {"wiki": {"word_perplexity": False, "bits_per_byte": False}, "gsm": {"exact_match": True}}
    assert lmeval_suite.metric_directions(results, hib) == {
        "wiki/word_perplexity": False, "wiki/bits_per_byte": False, "gsm/exact_match_strict-match": True}
    assert lmeval_suite.metric_directions(results, None) == {}
    # Keys line up with flatten_metrics, so every direction names a logged metric.
    assert set(lmeval_suite.metric_directions(results, hib)) <= set(lmeval_suite.flatten_metrics(results))
    assert report.view_data({}, {}, {"needle": "boom"}) == {"lm_eval": None, "needle": None,
                                                           "errors": {"needle": "boom"}}
