"""One export: resolve the model, do the format's stages, write the files, report progress and the result."""

from __future__ import annotations

import json
import os
import re
import shutil
import time

from hone_trainer.exporting import llamacpp
from hone_trainer.exporting.progress import Progress

FORMATS = ("merged", "gguf", "lora_gguf", "ollama")
QUANTIZATIONS = ("f16", "q8_0", "q4_k_m")
# The converter writes these itself; q4_k_m goes through llama-quantize from an f16 file.
_CONVERTER_TYPES = {"f16": "f16", "q8_0": "q8_0"}


class ExportError(ValueError):
    def __init__(self, message: str, param: str | None = None, code: str = "invalid_export"):
        super().__init__(message)
        self.param, self.code = param, code


def _adapter_base(adapter: str) -> str | None:
    cfg = os.path.join(adapter, "adapter_config.json")
    if not os.path.isfile(cfg):
        raise ExportError(f"not a LoRA adapter (no adapter_config.json): {adapter}", "adapter")
    with open(cfg) as fh:
        return json.load(fh).get("base_model_name_or_path")


def _resolve_base(base: str | None, adapter: str | None, models_dir: str | None) -> str:
    base = base or (_adapter_base(adapter) if adapter else None)
    if not base:
        raise ExportError("no model to export: pass --base (and --adapter for a fine-tuned model)", "base")
    if os.path.isdir(base):
        return base
    from hone_trainer.models import resolve_model

    return resolve_model(base, models_dir)


def _tokenizer_dir(adapter: str | None, base: str) -> str:
    if adapter and os.path.isfile(os.path.join(adapter, "tokenizer_config.json")):
        return adapter
    return base


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "model"


def _merge(base: str, adapter: str, out: str, dtype: str, prog: Progress) -> None:
    """Base + LoRA → a standalone safetensors model with the tokenizer and chat template."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    prog.stage("merge", 0.0, "Loading the base model")
    torch_dtype = "auto" if dtype == "auto" else getattr(torch, dtype)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype)
    prog.stage("merge", 0.4, "Merging the adapter into the base weights")
    merged = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    prog.stage("merge", 0.6, "Saving the merged model (safetensors)")
    os.makedirs(out, exist_ok=True)
    merged.save_pretrained(out, safe_serialization=True)
    tok = AutoTokenizer.from_pretrained(_tokenizer_dir(adapter, base))
    tok.save_pretrained(out)
    if tok.chat_template and not os.path.isfile(os.path.join(out, "chat_template.jinja")):
        with open(os.path.join(out, "chat_template.jinja"), "w", encoding="utf-8") as fh:
            fh.write(tok.chat_template)
    prog.stage("merge", 1.0, "Merged model saved")


def _converter_progress(prog: Progress, stage: str, message: str):
    seen = {"n": 0}

    def on_line(line: str) -> None:
        if "-->" in line:  # one line per tensor written
            seen["n"] += 1
            if seen["n"] % 5 == 1:
                prog.stage(stage, 1 - 0.97 ** seen["n"], f"{message} ({seen['n']} tensors)")

    return on_line


def _gguf(src: str, out_file: str, quantization: str, prog: Progress) -> None:
    if quantization in _CONVERTER_TYPES:
        prog.stage("convert", 0.0, f"Converting to GGUF ({quantization}) with llama.cpp's converter")
        llamacpp.run_converter(llamacpp.CONVERT_HF, [src, "--outfile", out_file, "--outtype",
                                                     _CONVERTER_TYPES[quantization]],
                               _converter_progress(prog, "convert", "Converting"))
        prog.stage("convert", 1.0, "GGUF written")
        return
    tmp = out_file + ".f16.partial"
    try:
        prog.stage("convert", 0.0, "Converting to an f16 GGUF before quantizing")
        llamacpp.run_converter(llamacpp.CONVERT_HF, [src, "--outfile", tmp, "--outtype", "f16"],
                               _converter_progress(prog, "convert", "Converting"))
        prog.stage("quantize", 0.0, f"Quantizing to {quantization} with llama.cpp")
        llamacpp.quantize(tmp, out_file, quantization)
        prog.stage("quantize", 1.0, "Quantized")
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def check_request(fmt: str, quantization: str | None, adapter: str | None) -> str | None:
    """Raises ExportError for a request that cannot run; returns the quantization to use."""
    if fmt not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(FORMATS)}", "format")
    if fmt == "merged":
        if quantization:
            raise ExportError("a merged export is safetensors: quantization does not apply", "quantization")
        if not adapter:
            raise ExportError("a merged export needs a fine-tuned model (an adapter to merge)", "adapter")
        return None
    caps = llamacpp.capabilities()
    if not caps["gguf"]:
        raise ExportError("llama.cpp's converter is not installed in this environment; repair the environment",
                          None, "converter_missing")
    if fmt == "lora_gguf":
        if not adapter:
            raise ExportError("a LoRA GGUF needs a fine-tuned model (an adapter)", "adapter")
        if quantization not in (None, "f16"):
            raise ExportError("a LoRA GGUF is written as f16", "quantization")
        return "f16"
    q = quantization or ("f16" if fmt == "gguf" else "q8_0")
    if q not in QUANTIZATIONS:
        raise ExportError(f"quantization must be one of {', '.join(QUANTIZATIONS)}", "quantization")
    if q not in caps["quantizations"]:
        raise ExportError(f"{q} needs llama.cpp's compiled quantizer (a llama-quantize binary or the compiled "
                          "llama-cpp-python); f16 and q8_0 work without it", "quantization")
    return q


def run_export(fmt: str, out: str, *, adapter: str | None = None, base: str | None = None,
               models_dir: str | None = None, quantization: str | None = None, dtype: str = "auto",
               name: str = "model", prog: Progress | None = None) -> dict:
    q = check_request(fmt, quantization, adapter)
    stages = {"merged": [("merge", 1.0)], "gguf": [("merge", 0.3), ("convert", 0.6), ("quantize", 0.1)],
              "lora_gguf": [("convert", 1.0)], "ollama": [("merge", 0.3), ("convert", 0.6), ("quantize", 0.1)]}
    prog = prog or Progress(stages[fmt])
    t0 = time.time()
    base_dir = _resolve_base(base, adapter, models_dir)
    name = _safe_name(name)
    os.makedirs(out, exist_ok=True)
    files: list[str] = []
    if fmt == "merged":
        _merge(base_dir, adapter, out, dtype, prog)  # type: ignore[arg-type]
        files = sorted(f for f in os.listdir(out) if os.path.isfile(os.path.join(out, f)))
    elif fmt == "lora_gguf":
        target = os.path.join(out, f"{name}-lora-f16.gguf")
        prog.stage("convert", 0.0, "Converting the LoRA adapter with llama.cpp's convert_lora_to_gguf")
        llamacpp.run_converter(llamacpp.CONVERT_LORA, ["--base", base_dir, "--outfile", target, "--outtype", "f16",
                                                       adapter],  # type: ignore[list-item]
                               _converter_progress(prog, "convert", "Converting"))
        files = [os.path.basename(target)]
    else:
        src = base_dir
        tmp_merged = None
        if adapter:
            tmp_merged = os.path.join(out, ".merged.partial")
            _merge(base_dir, adapter, tmp_merged, dtype, prog)
            src = tmp_merged
        try:
            target = os.path.join(out, f"{name}-{q}.gguf")
            _gguf(src, target, q, prog)  # type: ignore[arg-type]
            files = [os.path.basename(target)]
            if fmt == "ollama":
                from transformers import AutoTokenizer

                from hone_trainer.exporting.ollama import modelfile

                tok = AutoTokenizer.from_pretrained(src)
                with open(os.path.join(out, "Modelfile"), "w", encoding="utf-8") as fh:
                    fh.write(modelfile(tok, files[0]))
                files.append("Modelfile")
        finally:
            if tmp_merged:
                shutil.rmtree(tmp_merged, ignore_errors=True)
    result = {"path": out, "format": fmt, "quantization": q, "seconds": round(time.time() - t0, 2),
              "files": [{"name": f, "bytes": os.path.getsize(os.path.join(out, f))} for f in files]}
    prog.emit("done", **result)
    return result
