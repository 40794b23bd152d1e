"""``export``: merge a LoRA adapter into its base model and save a standalone safetensors model."""

from __future__ import annotations

import json
import os


def export_merged(adapter: str, out: str, base: str | None = None, models_dir: str | None = None,
                  dtype: str = "auto") -> str:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cfg_path = os.path.join(adapter, "adapter_config.json")
    if not os.path.isfile(cfg_path):
        raise FileNotFoundError(f"not a LoRA adapter (no adapter_config.json): {adapter}")
    with open(cfg_path) as fh:
        base = base or json.load(fh).get("base_model_name_or_path")
    if not base:
        raise ValueError("the adapter does not name its base model; pass --base")
    if not os.path.isdir(base):
        from hone_trainer.models import resolve_model

        base = resolve_model(base, models_dir or os.path.join(os.path.dirname(out), "models"))
    torch_dtype = "auto" if dtype == "auto" else getattr(torch, dtype)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype)
    merged = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    os.makedirs(out, exist_ok=True)
    merged.save_pretrained(out)
    tok_dir = adapter if os.path.isfile(os.path.join(adapter, "tokenizer_config.json")) else base
    AutoTokenizer.from_pretrained(tok_dir).save_pretrained(out)
    return out
