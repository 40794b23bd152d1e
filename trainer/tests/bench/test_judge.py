import pytest

from hone_trainer.bench import needle
from hone_trainer.bench.judge import GEvalJudge, JudgeError
from hone_trainer.bench.spec import NeedleSuite

from .conftest import RESOURCES

FACT = "The access code for the north greenhouse is 4817."
Q = "What is the access code for the north greenhouse?"


def test_geval_scores_through_a_local_openai_compatible_judge(judge_server):
    srv = judge_server("fair")
    judge = GEvalJudge(srv.base_url, "test-judge", "sk-test")
    score, reason = judge.score(Q, "It is 4817.", FACT)
    assert score == 1.0 and "found" in reason
    score, reason = judge.score(Q, "It is 2290.", FACT)
    assert score == 0.0 and "missing" in reason
    req = srv.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer sk-test"
    assert req["body"]["model"] == "test-judge" and "Expected Output" in req["body"]["messages"][-1]["content"]


def test_geval_scores_land_in_the_needle_results(judge_server, tiny_dir):
    srv = judge_server("fair")
    suite = NeedleSuite(context_lengths=[96], depths=[0.5], chunk_counts=[2], max_new_tokens=4)
    out = needle.run_needle(needle.NeedleModel(tiny_dir, None, "cpu"), suite, RESOURCES,
                            GEvalJudge(srv.base_url, "test-judge", None), lambda *a: None, lambda *a: None)
    assert out["scorer"] == "geval" and out["judge_error"] is None
    assert len(srv.requests) == len(out["rows"]) == 2
    for r in out["rows"]:
        # the test judge scores by the needle's value, which is what `contains` checks deterministically
        assert r["judge_score"] == r["contains"] == r["score"] and r["judge_reason"]
    assert out["metrics"]["needle/geval_correctness"] == out["metrics"]["needle/contains"]


def test_garbage_judge_gives_a_warning_not_a_crash(judge_server, tiny_dir):
    srv = judge_server("garbage")
    judge = GEvalJudge(srv.base_url, "test-judge", None)
    with pytest.raises(JudgeError, match="GEval judge failed"):
        judge.score(Q, "4817", FACT)
    suite = NeedleSuite(context_lengths=[96], depths=[0.0, 1.0], chunk_counts=[1], max_new_tokens=4)
    warnings = []
    out = needle.run_needle(needle.NeedleModel(tiny_dir, None, "cpu"), suite, RESOURCES, judge,
                            lambda *a: None, lambda m, c: warnings.append((m, c)))
    assert len(out["rows"]) == 4 and out["scorer"] == "contains" and "GEval judge failed" in out["judge_error"]
    assert [c for _, c in warnings] == ["judge_error"]  # once, then the judge is off for the run
    assert all(r["judge_score"] is None and r["score"] == r["contains"] for r in out["rows"])
