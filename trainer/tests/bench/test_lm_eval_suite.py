import math

from hone_trainer.bench import lmeval_suite
from hone_trainer.bench.spec import LmEvalSuite

from .conftest import RESOURCES


def test_offline_default_tasks_run_for_real_through_the_harness(tiny_dir):
    assert lmeval_suite.hub_offline()  # HF_HUB_OFFLINE=1 in the test environment
    warnings = []
    tasks = lmeval_suite.choose_tasks(LmEvalSuite(tasks="default"), "cpu", True, lambda *a: warnings.append(a))
    assert tasks == lmeval_suite.OFFLINE_DEFAULT_TASKS and not warnings
    out = lmeval_suite.run_lm_eval(tiny_dir, None, LmEvalSuite(limit=3), tasks, "cpu", RESOURCES + "/lm_eval")
    m = out["metrics"]
    assert set(m) == {"hone_knowledge_mc/acc", "hone_knowledge_mc/acc_norm", "hone_completion_mc/acc",
                      "hone_completion_mc/acc_norm", "hone_arithmetic_gen/exact_match_first-number"}
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 and not math.isnan(v) for v in m.values())
    # limit=3 -> accuracy is a multiple of 1/3 on 3 real documents per task
    assert out["harness"]["n-samples"]["hone_knowledge_mc"]["effective"] == 3
    assert out["missing_tasks"] == []


def test_gpu_defaults_and_gated_gpqa_skipped_without_token(monkeypatch):
    monkeypatch.setattr(lmeval_suite, "hf_token", lambda: None)
    warnings = []
    tasks = lmeval_suite.choose_tasks(LmEvalSuite(), "cuda", False, lambda m, c: warnings.append((m, c)))
    assert tasks == ["mmlu", "hellaswag", "arc_challenge"]
    assert warnings and warnings[0][1] == "gpqa_gated" and "HF_TOKEN" in warnings[0][0]
    monkeypatch.setattr(lmeval_suite, "hf_token", lambda: "hf_x")
    assert lmeval_suite.choose_tasks(LmEvalSuite(), "cuda", False, print)[-1] == "gpqa_diamond_zeroshot"
    # online but CPU-only, or offline GPU: Hone's own suite
    assert lmeval_suite.choose_tasks(LmEvalSuite(), "cpu", False, print) == lmeval_suite.OFFLINE_DEFAULT_TASKS
    assert lmeval_suite.choose_tasks(LmEvalSuite(), "cuda", True, print) == lmeval_suite.OFFLINE_DEFAULT_TASKS


def test_flatten_metrics_drops_stderr_and_aliases():
    flat = lmeval_suite.flatten_metrics({"t": {"alias": "t", "acc,none": 0.5, "acc_stderr,none": "N/A",
                                               "exact_match,strict-match": 1, "acc_norm_stderr,none": 0.1}})
    assert flat == {"t/acc": 0.5, "t/exact_match_strict-match": 1.0}
