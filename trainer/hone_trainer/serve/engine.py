"""One base model with fine-tuned models as named PEFT LoRA adapters on it, and generation on it.

The base answers through ``disable_adapter()``; an adapter through ``set_adapter``; a comparison of
several in one batched ``generate(adapter_names=[...])`` (PEFT's mixed-adapter batches)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from contextlib import nullcontext

import torch

from hone_trainer.serve.streaming import ChoiceStream, StreamCriteria

BASE = "__base__"  # PEFT's name for "no adapter" in adapter_names


class RequestError(Exception):
    """A failure of one request; the worker answers it with an error event and carries on."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def pick_device(device: str | None) -> str:
    if device:
        return device
    return "cuda:0" if torch.cuda.is_available() else "cpu"


def pick_dtype(dtype: str, device: str) -> torch.dtype:
    if dtype != "auto":
        return getattr(torch, dtype)
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def _hub_id(path: str) -> str | None:
    """``org/name`` of a hub cache snapshot path (.../models--org--name/snapshots/<sha>)."""
    for part in os.path.normpath(path).split(os.sep):
        if part.startswith("models--"):
            return part[len("models--"):].replace("--", "/")
    return None


class Engine:
    def __init__(self, name: str, path: str, device: str, dtype: torch.dtype):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = name
        self.path = path
        self.device = device
        self.dtype = dtype
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype).to(device).eval()
        self.base = self.model
        self.adapters: dict[str, tuple[str, str]] = {}  # public name -> (PEFT key, adapter dir)
        self._keys = 0
        gen = self.base.generation_config
        eos = gen.eos_token_id if gen.eos_token_id is not None else self.tokenizer.eos_token_id
        self.eos_ids = set(eos if isinstance(eos, list) else [eos]) - {None}
        if self.tokenizer.eos_token_id is not None:
            self.eos_ids.add(self.tokenizer.eos_token_id)
        pad = self.tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else min(self.eos_ids) if self.eos_ids else 0
        self.tokenizer.padding_side = "left"
        cfg = self.base.config
        self.context = getattr(cfg, "max_position_embeddings", None) or self.tokenizer.model_max_length

    @property
    def has_chat_template(self) -> bool:
        return bool(self.tokenizer.chat_template)

    def info(self) -> dict:
        import peft
        import transformers

        return {"model_path": self.path, "context_length": self.context,
                "parameters": sum(p.numel() for p in self.base.parameters()),
                "eos_token_ids": sorted(self.eos_ids), "pid": os.getpid(),
                "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                             "peft": peft.__version__}}

    # -- adapters --------------------------------------------------------------------------------
    def _same_base(self, base: str | None) -> bool:
        if not base:
            return True  # the adapter does not say; PEFT's shape checks still apply
        mine = {os.path.realpath(self.path), self.name, os.path.basename(os.path.normpath(self.path)),
                _hub_id(self.path)}
        theirs = {base, os.path.basename(os.path.normpath(base)), _hub_id(base)}
        if os.path.exists(base):
            theirs.add(os.path.realpath(base))
        return bool((mine & theirs) - {None, ""})

    def load_adapter(self, name: str, path: str) -> None:
        from peft import PeftModel

        if name in self.adapters:
            if self.adapters[name][1] == os.path.abspath(path):
                return
            self.unload_adapter(name)
        cfg_path = os.path.join(path, "adapter_config.json")
        if not os.path.isfile(cfg_path):
            raise RequestError(f"not a LoRA adapter (no adapter_config.json): {path}", "adapter_not_found")
        with open(cfg_path) as fh:
            cfg = json.load(fh)
        if not self._same_base(cfg.get("base_model_name_or_path")):
            raise RequestError(f"adapter {name!r} was trained on {cfg.get('base_model_name_or_path')!r}; "
                               f"this worker serves {self.name!r}", "adapter_base_mismatch")
        # PEFT keys adapters by module names, which may not contain dots ("ft:Qwen2.5-…" does).
        key = f"a{self._keys}"
        self._keys += 1
        try:
            if self.model is self.base:
                self.model = PeftModel.from_pretrained(self.base, path, adapter_name=key, is_trainable=False)
            else:
                self.model.load_adapter(path, adapter_name=key, is_trainable=False)
        except (RuntimeError, ValueError, KeyError) as e:  # size mismatches: another base after all
            raise RequestError(f"adapter {name!r} does not fit {self.name!r}: {e}"[:2000],
                               "adapter_base_mismatch") from e
        self.model.to(self.device).eval()
        self.adapters[name] = (key, os.path.abspath(path))

    def unload_adapter(self, name: str) -> None:
        if name not in self.adapters:
            return
        key, _ = self.adapters.pop(name)
        if not self.adapters:
            # unload() strips the LoRA layers without merging: the plain base model again
            self.model = self.model.unload()
            self.base = self.model
        else:
            self.model.delete_adapter(key)

    def _key(self, name: str | None) -> str:
        if name is None:
            return BASE
        if name not in self.adapters:
            raise RequestError(f"adapter {name!r} is not loaded (load_adapter first)", "adapter_not_found")
        return self.adapters[name][0]

    # -- prompts ---------------------------------------------------------------------------------
    def render(self, messages, tools=None) -> torch.Tensor:
        if not self.has_chat_template:
            raise RequestError(f"model {self.name!r} has no chat template", "unsupported_chat_template")
        try:
            enc = self.tokenizer.apply_chat_template(messages, tools=tools or None, add_generation_prompt=True,
                                                     tokenize=True, return_dict=True, return_tensors="pt")
        except Exception as e:  # jinja raises many types; all mean "these messages do not render"
            raise RequestError(f"the chat template could not render these messages: {type(e).__name__}: {e}"[:2000],
                               "template_error") from e
        return enc["input_ids"]

    # -- generation ------------------------------------------------------------------------------
    def generate(self, adapters: list[str | None], input_ids: torch.Tensor, *, max_tokens: int | None,
                 temperature: float, top_p: float, stop: list[str], seed: int | None, n: int,
                 on_delta: Callable[[int, str], None], cancelled: Callable[[], bool],
                 mixed: bool) -> list[ChoiceStream]:
        """Generate for ``adapters`` (one per row; ``mixed``: one batch across adapters) ``n`` times each."""
        from transformers import GenerationConfig, StoppingCriteriaList

        keys = [self._key(a) for a in adapters]
        prompt_len = input_ids.shape[1]
        room = self.context - prompt_len if self.context else None
        if room is not None and room <= 0:
            raise RequestError(f"the prompt has {prompt_len} tokens; the model's context is {self.context}",
                               "context_length_exceeded")
        limit = max_tokens if max_tokens is not None else room
        if room is not None:
            limit = min(limit, room)
        rows = len(keys) * n
        choices = [ChoiceStream(i, self.tokenizer, stop) for i in range(rows)]
        if cancelled():
            for c in choices:
                c.finish = "cancelled"
            return choices
        ids = input_ids.to(self.device).repeat(rows, 1)
        sample = temperature > 0
        # A fresh config: OpenAI's sampling semantics, not the checkpoint's defaults (top_k, penalties).
        gen_cfg = GenerationConfig(max_new_tokens=limit, do_sample=sample, temperature=temperature if sample else None,
                                   top_p=top_p if sample else None, top_k=None, num_beams=1,
                                   eos_token_id=sorted(self.eos_ids) or None, pad_token_id=self.pad_id)
        criteria = StreamCriteria(choices, prompt_len, limit, self.eos_ids, on_delta, cancelled)
        kwargs = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "generation_config": gen_cfg,
                  "stopping_criteria": StoppingCriteriaList([criteria])}
        context = nullcontext()
        if self.model is not self.base:
            if mixed:
                kwargs["adapter_names"] = [k for k in keys for _ in range(n)]
            elif keys[0] == BASE:
                context = self.model.disable_adapter()
            else:
                self.model.set_adapter(keys[0])
        if seed is not None:
            torch.manual_seed(seed)  # also seeds every CUDA device
        with torch.inference_mode(), context:
            self.model.generate(**kwargs)
        for c in choices:  # generate ended by its own max_new_tokens check
            if c.finish is None:
                c.finish = "length"
                text = c.flush()
                if text:
                    on_delta(c.index, text)
        return choices


def load_engine(model: str, models_dir: str, device: str | None, dtype: str) -> tuple[Engine, float]:
    from hone_trainer.models import resolve_model

    t0 = time.perf_counter()
    dev = pick_device(device)
    path = resolve_model(model, models_dir)
    engine = Engine(model, path, dev, pick_dtype(dtype, dev))
    return engine, time.perf_counter() - t0
