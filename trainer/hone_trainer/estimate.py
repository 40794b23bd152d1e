"""``estimate``: what ``train`` would do with a spec, without training.

The numbers are the trainer's own: the files are read and tokenised by the very generators
``train`` uses (``training._sft_rows`` → ``data.iter_chat_examples`` + ``labels.ChatEncoder``; for
DPO ``training._dpo_rows`` and TRL's own ``DPOTrainer._prepare_dataset``), the hyperparameters come
from ``hyperparams.resolve`` with the same example count, and steps follow transformers' Trainer
(``set_initial_training_values``). Only the memory figure is a model (see ``memory_estimate``).

``estimate --spec FILE`` prints one JSON object; ``estimate --serve`` answers JSON lines on stdin
(``{"id", "spec"}`` → ``{"id", "result"}`` or ``{"id", "error": {"message", "code"}}``) and keeps
tokenised-dataset statistics, model shapes and tokenizers in memory, so the core's repeated calls
(the job wizard asks on every change) cost milliseconds once a file and model have been seen.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import sys
import tempfile
from collections import OrderedDict
from dataclasses import dataclass

from pydantic import ValidationError

from hone_trainer.data import DataError
from hone_trainer.hyperparams import resolve
from hone_trainer.models import SEED_ALIASES, resolve_local
from hone_trainer.spec import Spec, SpecError

MIB = 1 << 20
# Patterns of a model's config and tokenizer: an estimate never downloads weights.
_META_PATTERNS = ["*.json", "*.model", "*.txt", "*.jinja", "*.tiktoken"]


def spec_from_dict(raw: dict) -> Spec:
    """A train spec; the keys only ``train`` needs (job id, output paths) may be left out."""
    if not isinstance(raw, dict):
        raise SpecError("spec must be a JSON object")
    raw = {"job_id": "estimate", "output_dir": tempfile.gettempdir(), "events_file": os.devnull, **raw}
    try:
        spec = Spec.model_validate(raw)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in e.errors())
        raise SpecError(f"invalid spec: {problems}") from e
    for name in ("training_file", "validation_file"):
        value = getattr(spec, name)
        if value is not None and not os.path.isfile(value):
            raise SpecError(f"{name} not found: {value}", "file_not_found")
    return spec


def model_files_dir(name: str, models_dir: str) -> str:
    """Like ``models.resolve_model`` (built-ins are prepared, local dirs used as they are), but a hub
    model brings only its config and tokenizer into the HF cache: training fetches the weights."""
    local = resolve_local(name, models_dir)
    if local:
        return local
    hub_id = SEED_ALIASES.get(name, name)
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        return snapshot_download(hub_id, allow_patterns=_META_PATTERNS)
    except (LocalEntryNotFoundError, RepositoryNotFoundError) as e:
        raise SpecError(f"model {name!r} ({hub_id}) is not available locally or on the hub: {e}",
                        "model_not_found") from e
    except (HfHubHTTPError, OSError) as e:
        raise SpecError(f"could not download model {name!r} ({hub_id}): {e}", "model_not_found") from e


# -- dataset statistics (cached per file state, model and max length) ---------------------------

@dataclass(frozen=True)
class SplitStats:
    n_records: int      # examples in the file
    n_examples: int     # examples the steps run over (SFT: with trained tokens; DPO: what TRL keeps)
    n_truncated: int    # examples longer than max_seq_length
    n_dropped: int      # examples training skips
    tokens: int         # tokens one epoch feeds the model (what num_input_tokens_seen counts)
    longest: int        # the longest kept sequence after truncation (activation memory)


class _Lru(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or(self, key, make):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


_stats_cache = _Lru(64)
_shape_cache = _Lru(16)


def _file_key(path: str) -> tuple:
    st = os.stat(path)
    return (os.path.realpath(path), st.st_size, st.st_mtime_ns)


def sft_stats(path: str, model_dir: str, max_length: int) -> SplitStats:
    from hone_trainer.training import DATA_FORMAT_VERSION, _sft_rows

    def compute() -> SplitStats:
        n = kept = trunc = tokens = longest = 0
        # The generator train streams into its Arrow dataset (prepare_sft_split), row by row.
        for row in _sft_rows(path, "", model_dir, max_length, DATA_FORMAT_VERSION):
            n += 1
            trunc += bool(row["truncated"])
            if row["n_trained"] > 0:  # prepare_sft_split keeps only these
                kept += 1
                tokens += row["n_tokens"]
                longest = max(longest, row["n_tokens"])
        return SplitStats(n, kept, trunc, n - kept, tokens, longest)

    return _stats_cache.get_or(("sft", _file_key(path), model_dir, max_length), compute)


def dpo_stats(path: str, model_dir: str, max_length: int) -> SplitStats:
    def compute() -> SplitStats:
        from transformers import AutoTokenizer
        from trl import DPOTrainer

        from hone_trainer.training import DATA_FORMAT_VERSION, _dpo_rows, build_dataset

        tok = AutoTokenizer.from_pretrained(model_dir)
        if tok.pad_token is None:
            tok.pad_token = tok.eos_token
        cache = tempfile.mkdtemp(prefix="hone-estimate-")
        try:
            ds = build_dataset(_dpo_rows, {"path": path, "digest": "", "version": DATA_FORMAT_VERSION}, cache)
            n = len(ds)
            # TRL's own tokenisation and filter, as DPOTrainer.__init__ runs them; it reads only these
            # three settings of its DPOConfig and nothing of the trainer instance for chat examples.
            args = _DpoArgs(max_length=max_length)
            prepared = DPOTrainer._prepare_dataset(_DpoShim(tok), ds, tok, args, "estimate")
            kept = trunc = tokens = longest = 0
            for p, c, r in zip(prepared["prompt_ids"], prepared["chosen_ids"], prepared["rejected_ids"], strict=True):
                a, b = len(p) + len(c), len(p) + len(r)
                kept += 1
                trunc += a > max_length or b > max_length
                # DataCollatorForPreference cuts each sequence at max_length; the attention mask counts the rest.
                tokens += min(a, max_length) + min(b, max_length)
                longest = max(longest, min(max(a, b), max_length))
            trunc += n - kept  # dropped because the prompt alone fills max_length
            return SplitStats(n, kept, trunc, n - kept, tokens, longest)
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    return _stats_cache.get_or(("dpo", _file_key(path), model_dir, max_length), compute)


@dataclass
class _DpoArgs:
    max_length: int
    truncation_mode: str = "keep_start"
    dataset_num_proc: int | None = None


class _DpoShim:
    def __init__(self, tok):
        self._tokenizer = tok


# -- model shapes and memory --------------------------------------------------------------------

@dataclass(frozen=True)
class ModelShape:
    params: int          # unique parameters (tied embeddings once)
    linear_params: int   # in nn.Linear layers other than lm_head (what 4-bit quantisation packs)
    lora_params: dict    # (r) -> trainable LoRA parameters on all linear layers
    hidden: int
    layers: int
    heads: int
    vocab: int
    max_positions: int


def model_shape(model_dir: str, r: int) -> ModelShape:
    def compute() -> ModelShape:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoConfig, AutoModelForCausalLM

        config = AutoConfig.from_pretrained(model_dir)
        with torch.device("meta"):  # shapes only: no memory, no weights read
            model = AutoModelForCausalLM.from_config(config)
        params = sum(p.numel() for p in model.parameters())
        linear = sum(m.weight.numel() for name, m in model.named_modules()
                     if isinstance(m, torch.nn.Linear) and not name.endswith("lm_head"))
        peft_model = get_peft_model(model, LoraConfig(r=r, lora_alpha=2 * r, target_modules="all-linear",
                                                      task_type="CAUSAL_LM"))
        trainable, _ = peft_model.get_nb_trainable_parameters()
        text = config.get_text_config() if hasattr(config, "get_text_config") else config
        return ModelShape(params=params, linear_params=linear, lora_params={r: trainable},
                          hidden=int(getattr(text, "hidden_size", 0) or 0),
                          layers=int(getattr(text, "num_hidden_layers", 0) or 0),
                          heads=int(getattr(text, "num_attention_heads", 0) or 0),
                          vocab=int(getattr(text, "vocab_size", 0) or 0),
                          max_positions=int(getattr(config, "max_position_embeddings", None) or 2048))

    return _shape_cache.get_or((model_dir, r), compute)


def memory_estimate(shape: ModelShape, hp: dict, on_gpu: bool, seq: int, batch: int) -> dict:
    """Peak memory of one training process (one per GPU with DDP), in bytes, as a sum of parts:

    - weights: parameters * bytes per parameter: fp32 (4) on CPU, bf16 (2) on GPU; QLoRA packs the
      linear layers' weights in 4-bit NF4 with double-quantised block scales (≈ 0.53 byte each),
      the rest (embeddings, norms, lm_head) stays in bf16.
    - gradients + optimizer: trainable parameters * (gradient + AdamW's two moments). LoRA
      adapters are kept in fp32 by PEFT (4 + 8 bytes); a full fine-tune's gradients and moments
      take the weights' dtype (2 + 4 bytes in bf16, 4 + 8 in fp32).
    - activations: Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large Transformer
      Models"): one layer saves ≈ 34·s·b·h bytes in 16-bit for backward (+ 5·a·s²·b when attention
      scores are materialised, which the CPU path does). With gradient checkpointing (on GPU, see
      training_args_kwargs) only each layer's input is kept (2·s·b·h) plus one layer recomputed.
      Logits: s·b·V in the compute dtype + fp32 logits and their gradient for the loss.
      s = the longest sequence after truncation, b = batch size (DPO: chosen + rejected, 2·b).
    - overhead: the runtime (CUDA context and allocator slack on GPU ≈ 600 MiB + 10 %; Python,
      torch and transformers ≈ 700 MiB on CPU).
    """
    wb = 2 if on_gpu else 4
    full = hp["full_finetune"]
    qlora = hp["qlora"] and not full
    packed = shape.linear_params * 0.53 + (shape.params - shape.linear_params) * 2
    weights = packed if qlora else shape.params * wb
    if full:
        trainable = shape.params
        grads, optim = trainable * wb, trainable * 2 * wb
    else:
        trainable = shape.lora_params[hp["lora_r"]]
        grads, optim = trainable * 4, trainable * 8
    s, b, h, a, n_layers = seq, batch, shape.hidden, shape.heads, shape.layers
    act_scale = 1 if on_gpu else 2  # the formula's bytes are 16-bit; fp32 doubles them
    per_layer = 34 * s * b * h * act_scale + (0 if on_gpu else 5 * a * s * s * b * act_scale)
    # With gradient checkpointing (GPU) each layer keeps its input and one layer is recomputed at a time.
    activations = n_layers * 2 * s * b * h + per_layer if on_gpu else n_layers * per_layer
    activations += s * b * shape.vocab * (wb + 4 + 4)
    parts = weights + grads + optim + activations
    overhead = parts * 0.10 + 600 * MIB if on_gpu else 700 * MIB
    return {
        "trainable_parameters": int(trainable),
        "parameters": int(shape.params),
        "weights_mib": round(weights / MIB, 1),
        "gradients_mib": round(grads / MIB, 1),
        "optimizer_mib": round(optim / MIB, 1),
        "activations_mib": round(activations / MIB, 1),
        "overhead_mib": round(overhead / MIB, 1),
        "required_mib": round((parts + overhead) / MIB, 1),
    }


# -- the estimate ---------------------------------------------------------------------------------

def total_steps(n_examples: int, hp: dict, world_size: int) -> int:
    """transformers' Trainer.set_initial_training_values for an epoch-based run: one dataloader batch
    per batch_size examples on each rank (the last one short), one optimizer step per
    gradient_accumulation_steps batches (the last one short), at least one step per epoch."""
    batches = math.ceil(n_examples / (hp["batch_size"] * world_size))
    ga = hp["gradient_accumulation_steps"]
    per_epoch = max(batches // ga + int(batches % ga > 0), 1)
    return math.ceil(hp["n_epochs"] * per_epoch)


def cuda_build() -> bool:
    """Whether this torch can use CUDA, without initialising it (the estimate never touches a GPU)."""
    import torch

    return torch.version.cuda is not None


def estimate(spec: Spec) -> dict:
    from hone_trainer.labels import TemplateError

    model_dir = model_files_dir(spec.model, spec.models_dir)
    on_gpu = spec.gpus > 0 and cuda_build()  # train: detect_runtime's rt.cuda
    world = max(1, spec.gpus) if on_gpu else 1
    from transformers import AutoConfig

    max_pos = getattr(AutoConfig.from_pretrained(model_dir), "max_position_embeddings", None) or 2048
    max_len = resolve(spec, 1, on_gpu, max_pos)["max_seq_length"]  # train's probe_hp
    stats_of = sft_stats if spec.method == "supervised" else dpo_stats
    try:
        train = stats_of(spec.training_file, model_dir, max_len)
        valid = stats_of(spec.validation_file, model_dir, max_len) if spec.validation_file else None
    except TemplateError as e:
        raise SpecError(f"model {spec.model!r}: {e}", "unsupported_chat_template") from e
    warnings: list[str] = []  # the warnings train would emit, in its order
    if train.n_truncated:
        warnings.append(f"{train.n_truncated} of {train.n_records} training examples are longer than "
                        f"max_seq_length={max_len} tokens and will be truncated")
    if spec.method == "supervised":
        n_resolve = train.n_examples  # train resolves with len(train_ds) after the filter
        if train.n_examples == 0:
            raise DataError("training file has no usable examples", "invalid_training_file")
        if valid is not None and valid.n_examples == 0:
            raise DataError("validation file has no usable examples", "invalid_validation_file")
        n_valid = valid.n_examples if valid else None
        if train.n_dropped:
            warnings.append(f"{train.n_dropped} training examples have no trained assistant tokens (all weight 0, "
                            f"or truncated away) and will be skipped")
    else:
        n_resolve = train.n_records  # DPO resolves before TRL's filter, steps follow what TRL keeps
        if train.n_records == 0:
            raise DataError("training file has no examples")
        n_valid = valid.n_records if valid else None
        if train.n_dropped:
            warnings.append(f"{train.n_dropped} training examples have a prompt of max_seq_length={max_len} tokens "
                            f"or more and will be skipped")
    hp = resolve(spec, n_resolve, on_gpu, max_pos)
    # load_model's rule: QLoRA needs CUDA and bitsandbytes, else plain LoRA (reported as qlora: false).
    if hp["qlora"] and not hp["full_finetune"] and not (on_gpu and importlib.util.find_spec("bitsandbytes")):
        warnings.append("QLoRA needs CUDA and bitsandbytes; a plain LoRA adapter will be trained instead")
        hp["qlora"] = False
    hp["qlora"] = hp["qlora"] and not hp["full_finetune"]
    steps = total_steps(train.n_examples, hp, world)
    shape = model_shape(model_dir, hp.get("lora_r", 16))
    batch = hp["batch_size"] * (2 if spec.method == "dpo" else 1)
    memory = memory_estimate(shape, hp, on_gpu, max(1, train.longest), batch)
    return {
        "object": "fine_tuning.job.estimate",
        "model": spec.model,
        "method": spec.method,
        "hyperparameters": hp,
        "n_examples": n_resolve,  # what the started event reports
        "n_validation_examples": n_valid,
        "total_steps": steps,
        # train reports state.num_input_tokens_seen: every non-padding token of every batch, each epoch.
        "trained_tokens": train.tokens * hp["n_epochs"],
        "truncated_examples": train.n_truncated,
        "device": {"kind": "gpu" if on_gpu else "cpu", "world_size": world},
        "memory": memory,
        "warnings": warnings,
    }


def _error(e: BaseException) -> dict:
    if isinstance(e, SpecError):
        return {"message": str(e), "code": e.code}
    return {"message": f"{type(e).__name__}: {e}"[:2000], "code": "estimate_failed"}


def run_once(spec_path: str) -> int:
    try:
        with open(spec_path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, ValueError) as e:
        print(json.dumps({"error": {"message": f"cannot read spec {spec_path}: {e}", "code": "invalid_spec"}}))
        return 2
    try:
        print(json.dumps(estimate(spec_from_dict(raw))))
        return 0
    except Exception as e:  # noqa: BLE001 - reported as JSON like every other failure
        print(json.dumps({"error": _error(e)}))
        return 2 if isinstance(e, SpecError) else 1


def serve() -> int:
    """JSON lines in, JSON lines out; library chatter goes to stderr so stdout stays parseable."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", buffering=1)
    sys.stdout = sys.stderr
    os.dup2(sys.stderr.fileno(), 1)
    for line in sys.stdin:
        if not line.strip():
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            reply = {"id": req_id, "result": estimate(spec_from_dict(req.get("spec")))}
        except Exception as e:  # noqa: BLE001 - one bad request never ends the worker
            reply = {"id": req_id, "error": _error(e)}
        out.write(json.dumps(reply) + "\n")
    return 0
