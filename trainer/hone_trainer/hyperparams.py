"""Resolve OpenAI-style ``auto`` hyperparameters into concrete values (reported in ``started``)."""

from __future__ import annotations

from hone_trainer.spec import Spec

# Base learning rates; OpenAI's learning_rate_multiplier scales them.
BASE_LR = {("supervised", False): 2e-4, ("supervised", True): 2e-5,
           ("dpo", False): 5e-5, ("dpo", True): 5e-7}


def auto_epochs(n_examples: int) -> int:
    """OpenAI's rule (cookbook 'Cost estimation'): 3 epochs, stretched to reach ~100 example
    passes on small sets and shrunk to ~25k on large ones, within 1..25."""
    n_epochs = 3
    if n_examples * n_epochs < 100:
        n_epochs = min(25, 100 // max(1, n_examples))
    elif n_examples * n_epochs > 25000:
        n_epochs = max(1, 25000 // n_examples)
    return n_epochs


def auto_batch_size(n_examples: int, on_gpu: bool) -> int:
    """Small sets take single-example steps; larger sets grow the batch (capped for memory)."""
    return max(1, min(8 if on_gpu else 4, n_examples // 100))


def resolve(spec: Spec, n_examples: int, on_gpu: bool, max_positions: int) -> dict:
    hp = spec.hyperparameters
    full = hp.full_finetune
    mult = 1.0 if hp.learning_rate_multiplier == "auto" else float(hp.learning_rate_multiplier)
    out = {
        "n_epochs": auto_epochs(n_examples) if hp.n_epochs == "auto" else int(hp.n_epochs),
        "batch_size": auto_batch_size(n_examples, on_gpu) if hp.batch_size == "auto" else int(hp.batch_size),
        "learning_rate_multiplier": mult,
        "learning_rate": BASE_LR[(spec.method, full)] * mult,
        "max_seq_length": min(hp.max_seq_length or 2048, max_positions),
        "gradient_accumulation_steps": hp.gradient_accumulation_steps,
        "warmup_ratio": hp.warmup_ratio,
        "full_finetune": full,
        "qlora": hp.qlora,
        "seed": spec.seed,
    }
    if not full:
        out.update(lora_r=hp.lora_r, lora_alpha=hp.lora_alpha, lora_dropout=hp.lora_dropout,
                   lora_target_modules="all-linear")
    if spec.method == "dpo":
        out["beta"] = 0.1 if hp.beta == "auto" else float(hp.beta)
    return out
