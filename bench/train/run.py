"""Training throughput of hone_trainer vs a plain transformers Trainer loop, same run.

Same model, data, LoRA config, batch size, sequence cap and precision; each run in its own process.
Prints tokens/s and peak memory of both and the ratio hone/baseline (target >= 0.9).

  .venv/bin/python bench/train/run.py [--model smollm2-135m-instruct] [--examples 48] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

TOPICS = ["the weather", "a recipe for soup", "the history of Rome", "how to learn Python", "a good book",
          "training a dog", "saving money", "the solar system", "planting tomatoes", "writing a letter"]


def make_data(path: str, n: int, seed: int = 0) -> None:
    """Deterministic multi-turn chat data, ~100-200 tokens per example."""
    rng = random.Random(seed)
    with open(path, "w") as fh:
        for i in range(n):
            topic = rng.choice(TOPICS)
            words = " ".join(rng.choice(["clear", "simple", "short", "useful", "friendly", "exact"]) for _ in range(8))
            msgs = [{"role": "system", "content": "You are a helpful assistant."},
                    {"role": "user", "content": f"Question {i}: tell me about {topic}."},
                    {"role": "assistant", "content": f"Here is a {words} answer about {topic}. " * rng.randint(2, 4)},
                    {"role": "user", "content": "Thanks, and one more detail?"},
                    {"role": "assistant", "content": f"One more detail about {topic}: it is {words}."}]
            fh.write(json.dumps({"messages": msgs}) + "\n")


def measure(kind: str, cfg: dict) -> dict:
    workdir = tempfile.mkdtemp(prefix=f"bench-{kind}-")
    proc = subprocess.run([sys.executable, os.path.join(HERE, "workload.py"), kind, json.dumps({**cfg, "workdir": workdir})],
                          capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    raise SystemExit(f"{kind} run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")


def main() -> int:
    from hone_trainer.builtin_models import smollm2_gguf_path

    p = argparse.ArgumentParser()
    p.add_argument("--model", default="smollm2-135m-instruct" if smollm2_gguf_path() else "hone-tiny-llama")
    p.add_argument("--models-dir", default=os.path.join(tempfile.gettempdir(), "hone-bench-models"))
    p.add_argument("--examples", type=int, default=16)
    p.add_argument("--batch-size", type=int, default=2)
    p.add_argument("--max-seq-length", type=int, default=160)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--gpus", type=int, default=0)
    a = p.parse_args()

    from hone_trainer.models import resolve_model

    print(f"preparing {a.model} in {a.models_dir} …", flush=True)
    resolve_model(a.model, a.models_dir)
    data = os.path.join(tempfile.mkdtemp(prefix="bench-data-"), "train.jsonl")
    make_data(data, a.examples)
    cfg = {"model": a.model, "models_dir": a.models_dir, "data": data, "batch_size": a.batch_size,
           "max_seq_length": a.max_seq_length, "gpus": a.gpus}
    runs = {"baseline": [], "hone": []}
    for r in range(a.repeats):  # interleaved, so load from other processes hits both alike
        for kind in (("hone", "baseline") if r % 2 == 0 else ("baseline", "hone")):
            res = measure(kind, cfg)
            runs[kind].append(res)
            print(f"  {kind:8} run {r + 1}: {res['tokens_per_second']:8.1f} tok/s  "
                  f"{res['tokens_per_cpu_second']:8.1f} tok/cpu-s  {res['tokens']} tokens "
                  f"in {res['seconds']:.1f}s  {res['steps']} steps  peak RSS {res['peak_rss_mb']:.0f} MB  "
                  f"[{res['precision']}]", flush=True)
    tps = {k: statistics.median(r["tokens_per_second"] for r in v) for k, v in runs.items()}
    tpc = {k: statistics.median(r["tokens_per_cpu_second"] for r in v) for k, v in runs.items()}
    rss = {k: max(r["peak_rss_mb"] for r in v) for k, v in runs.items()}
    ratio = tps["hone"] / tps["baseline"]
    summary = {"model": a.model, "examples": a.examples, "batch_size": a.batch_size,
               "max_seq_length": a.max_seq_length, "precision": runs["hone"][0]["precision"],
               "tokens_per_second": tps, "tokens_per_cpu_second": tpc, "peak_rss_mb": rss,
               "throughput_ratio": round(ratio, 3), "cpu_time_ratio": round(tpc["hone"] / tpc["baseline"], 3),
               "memory_ratio": round(rss["hone"] / rss["baseline"], 3), "target_ratio": 0.9,
               "pass": ratio >= 0.9}
    if "peak_cuda_mb" in runs["hone"][0]:
        summary["peak_cuda_mb"] = {k: max(r["peak_cuda_mb"] for r in v) for k, v in runs.items()}
    print(json.dumps(summary, indent=2))
    print(f"hone/baseline tokens/s ratio: {ratio:.3f}; per CPU-second: {summary['cpu_time_ratio']:.3f} (target >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
