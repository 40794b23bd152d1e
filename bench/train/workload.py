"""One measured training run in its own process (so peak RSS is per run). Prints one JSON line.

  workload.py hone     CONFIG_JSON   -> hone_trainer's real CLI entry point, in-process
  workload.py baseline CONFIG_JSON   -> a plain transformers Trainer + PEFT LoRA loop
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def peak_memory_mb() -> dict:
    out = {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    import torch

    if torch.cuda.is_available():
        out["peak_cuda_mb"] = torch.cuda.max_memory_allocated() / 2**20
    return out


MARKS: dict = {}


def _cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def instrument_trainer() -> None:
    """Time Trainer.train the same way for both sides: wall and process CPU seconds (CPU time is
    the steadier figure on a machine shared with other jobs)."""
    from transformers import Trainer

    original = Trainer.train

    def timed(self, *a, **k):
        t0, c0 = time.time(), _cpu_seconds()
        try:
            return original(self, *a, **k)
        finally:
            MARKS.update(seconds=time.time() - t0, cpu_seconds=_cpu_seconds() - c0,
                         tokens=self.state.num_input_tokens_seen, steps=self.state.global_step)

    Trainer.train = timed


def run_hone(cfg: dict) -> dict:
    from hone_trainer.cli import main

    job = cfg["workdir"]
    spec = {
        "version": 1, "job_id": "ftjob-bench", "model": cfg["model"], "models_dir": cfg["models_dir"],
        "training_file": cfg["data"], "method": "supervised",
        "hyperparameters": {"n_epochs": 1, "batch_size": cfg["batch_size"], "learning_rate_multiplier": 1,
                            "max_seq_length": cfg["max_seq_length"]},
        "seed": 0, "output_dir": os.path.join(job, "output"), "events_file": os.path.join(job, "events.jsonl"),
        "stop_file": os.path.join(job, "stop"), "gpus": cfg["gpus"],
    }
    with open(os.path.join(job, "spec.json"), "w") as fh:
        json.dump(spec, fh)
    rc = main(["train", "--spec", os.path.join(job, "spec.json")])
    if rc != 0:
        raise SystemExit(f"hone_trainer exited {rc}")
    events = [json.loads(line) for line in open(spec["events_file"])]
    started = next(e for e in events if e["type"] == "started")
    done = next(e for e in events if e["type"] == "completed")
    return {**MARKS, "precision": started["precision"], "final_loss": done["metrics"].get("train_loss")}


def run_baseline(cfg: dict) -> dict:
    import torch
    import transformers
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, DataCollatorForSeq2Seq, Trainer, TrainingArguments

    from hone_trainer.models import resolve_model

    model_dir = resolve_model(cfg["model"], cfg["models_dir"])
    transformers.set_seed(0)
    tok = AutoTokenizer.from_pretrained(model_dir)
    rows = []
    for line in open(cfg["data"]):
        ids = tok.apply_chat_template(json.loads(line)["messages"], tokenize=True, return_dict=True)["input_ids"]
        ids = list(ids)[: cfg["max_seq_length"]]
        rows.append({"input_ids": ids, "labels": list(ids)})
    cuda = cfg["gpus"] > 0 and torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    dtype = torch.bfloat16 if bf16 else (torch.float16 if cuda else torch.float32)
    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype)
    model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules="all-linear",
                                             task_type="CAUSAL_LM"))
    args = TrainingArguments(
        output_dir=os.path.join(cfg["workdir"], "out"), num_train_epochs=1, per_device_train_batch_size=cfg["batch_size"],
        learning_rate=2e-4, lr_scheduler_type="linear", report_to="none", save_strategy="no", seed=0,
        bf16=bf16, fp16=cuda and not bf16, use_cpu=not cuda, gradient_checkpointing=cuda,
        include_num_input_tokens_seen="non_padding", remove_unused_columns=False, disable_tqdm=False)
    trainer = Trainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tok,
                      data_collator=DataCollatorForSeq2Seq(tok, label_pad_token_id=-100,
                                                           pad_to_multiple_of=8 if cuda else None),
                      )
    out = trainer.train()
    trainer.save_model(os.path.join(cfg["workdir"], "adapter"))
    return {**MARKS, "precision": "bf16" if bf16 else "fp16" if cuda else "fp32", "final_loss": out.training_loss}


if __name__ == "__main__":
    kind, cfg = sys.argv[1], json.loads(sys.argv[2])
    instrument_trainer()
    result = {"hone": run_hone, "baseline": run_baseline}[kind](cfg)
    result.update(peak_memory_mb())
    result["tokens_per_second"] = result["tokens"] / result["seconds"]
    result["tokens_per_cpu_second"] = result["tokens"] / result["cpu_seconds"]
    print("BENCH_RESULT " + json.dumps(result), flush=True)
