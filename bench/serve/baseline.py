"""The baseline of bench/serve: a plain transformers generate loop on the same model and prompt as
Hone's worker (greedy, same chat template, same max_new_tokens, float32 on CPU). Prints one
BENCH_RESULT line per repeat: time to first token and tokens/s of the decode.

  .venv/bin/python bench/serve/baseline.py <model dir> <messages json> <max_new_tokens> <repeats>
"""

import json
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, StoppingCriteria


class Clock(StoppingCriteria):
    """Called once per generated token: the time of each token, nothing stopped."""

    def __init__(self):
        self.times = []

    def __call__(self, input_ids, scores, **kw):
        self.times.append(time.perf_counter())
        return torch.zeros(input_ids.shape[0], dtype=torch.bool)


def main() -> None:
    path, messages, max_new, repeats = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    for _ in range(repeats):
        t0 = time.perf_counter()
        ids = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        clock = Clock()
        with torch.inference_mode():
            out = model.generate(**ids, max_new_tokens=max_new, do_sample=False, stopping_criteria=[clock],
                                 pad_token_id=tok.eos_token_id)
        n = out.shape[1] - ids["input_ids"].shape[1]
        ttft = clock.times[0] - t0
        decode = (clock.times[-1] - clock.times[0]) / max(1, n - 1)
        print("BENCH_RESULT " + json.dumps({"ttft_s": ttft, "tokens": n, "tokens_per_s": 1 / decode if n > 1 else None,
                                            "text": tok.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)}),
              flush=True)


if __name__ == "__main__":
    main()
