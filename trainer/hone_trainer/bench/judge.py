"""DeepEval GEval Correctness with a judge on any OpenAI-compatible endpoint.

Only ``metric.measure`` is used (no ``evaluate()``): no test-run cache, no Confident AI uploads;
telemetry is switched off before deepeval is imported."""

from __future__ import annotations

import os
import tempfile

CRITERIA = "Determine whether the actual output is factually correct based on the expected output."
# Fixed steps: GEval then skips the step-generation call, so every judge call is a scoring call and
# scores are comparable across runs.
STEPS = [
    "Identify the key fact (name, number or word) in the expected output that answers the input question.",
    "Check whether the actual output states that same key fact; extra words are fine, a different value is wrong.",
    "Penalise heavily if the actual output gives a different or contradictory value, or no answer.",
]


class JudgeError(RuntimeError):
    pass


class GEvalJudge:
    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float = 60.0):
        os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
        os.environ.setdefault("DEEPEVAL_DISABLE_DOTENV", "1")
        os.environ.setdefault("ERROR_REPORTING", "0")
        # DeepEval keeps a ".deepeval" folder in the working directory unless told otherwise.
        os.environ.setdefault("DEEPEVAL_CACHE_FOLDER", os.path.join(tempfile.gettempdir(), "hone-deepeval"))
        try:
            from deepeval.metrics import GEval
            from deepeval.models import LocalModel
            from deepeval.test_case import LLMTestCase, SingleTurnParams
        except ImportError as e:
            raise JudgeError(f"DeepEval is not installed ({e}); install the trainer's 'bench' extra") from e
        self._case = LLMTestCase
        judge = LocalModel(model=model, base_url=base_url, api_key=api_key or "none", temperature=0,
                           generation_kwargs={"timeout": timeout})
        self.metric = GEval(name="Correctness", criteria=CRITERIA, evaluation_steps=STEPS,
                            evaluation_params=[SingleTurnParams.INPUT, SingleTurnParams.ACTUAL_OUTPUT,
                                               SingleTurnParams.EXPECTED_OUTPUT],
                            model=judge, threshold=0.5, async_mode=False, verbose_mode=False)

    def score(self, question: str, answer: str, expected: str) -> tuple[float, str]:
        case = self._case(input=question, actual_output=answer or "(no answer)", expected_output=expected)
        try:
            self.metric.measure(case, _show_indicator=False)
        except Exception as e:
            raise JudgeError(f"GEval judge failed: {type(e).__name__}: {e}") from e
        if self.metric.score is None:
            raise JudgeError("GEval judge returned no score")
        return float(self.metric.score), str(self.metric.reason or "")
