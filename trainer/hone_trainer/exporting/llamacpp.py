"""llama.cpp's own converters, unpacked by the installer from the pinned llama-cpp-python sdist.

The installer puts ``convert_hf_to_gguf.py``, ``convert_lora_to_gguf.py``, ``conversion/`` and ``gguf-py/``
under ``<venv>/share/hone/llama.cpp`` (``HONE_LLAMA_CPP_DIR`` overrides it). The PyPI ``gguf`` package is
too old for this converter, so the sdist's ``gguf-py`` goes first on the subprocess's ``PYTHONPATH``.
Stdlib only: the core asks for ``capabilities`` often and cheaply.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import deque
from collections.abc import Callable

CONVERT_HF = "convert_hf_to_gguf.py"
CONVERT_LORA = "convert_lora_to_gguf.py"


class ConverterMissing(RuntimeError):
    pass


def converter_dir() -> str | None:
    for d in (os.environ.get("HONE_LLAMA_CPP_DIR"), os.path.join(sys.prefix, "share", "hone", "llama.cpp")):
        if d and os.path.isfile(os.path.join(d, CONVERT_HF)) and os.path.isdir(os.path.join(d, "gguf-py")):
            return d
    return None


def quantize_binary() -> str | None:
    exe = os.environ.get("HONE_LLAMA_QUANTIZE") or shutil.which("llama-quantize")
    if not exe:
        cand = os.path.join(os.path.dirname(sys.executable), "llama-quantize")
        exe = cand if os.path.isfile(cand) else None
    return exe if exe and os.access(exe, os.X_OK) else None


def has_llama_cpp_extra() -> bool:
    """The compiled llama-cpp-python (its ctypes binding carries llama_model_quantize)."""
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None


def capabilities() -> dict:
    d = converter_dir()
    q4 = bool(d) and (quantize_binary() is not None or has_llama_cpp_extra())
    return {"converter_dir": d, "gguf": d is not None, "lora_gguf": d is not None,
            "quantizations": ["f16", "q8_0", *(["q4_k_m"] if q4 else [])]}


def run_converter(script: str, args: list[str], on_line: Callable[[str], None] | None = None) -> None:
    d = converter_dir()
    if d is None:
        raise ConverterMissing("llama.cpp's converter is not installed in this environment; repair the "
                               "environment in Settings (it unpacks it from the pinned llama-cpp-python sdist)")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(d, "gguf-py"), d, *filter(None, [env.get("PYTHONPATH")])])
    env.pop("NO_LOCAL_GGUF", None)
    tail: deque[str] = deque(maxlen=30)
    proc = subprocess.Popen([sys.executable, os.path.join(d, script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, errors="replace")
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip()
        tail.append(line)
        print(line, file=sys.stderr, flush=True)
        if on_line:
            on_line(line)
    if proc.wait() != 0:
        last = next((x for x in reversed(tail) if x.strip()), "no output")
        raise RuntimeError(f"{script} failed (exit {proc.returncode}): {last}")


def quantize(src: str, dst: str, kind: str) -> None:
    """f16 GGUF → ``kind`` (e.g. q4_k_m) with llama-quantize, or the compiled llama_cpp binding."""
    exe = quantize_binary()
    if exe:
        proc = subprocess.run([exe, src, dst, kind.upper()], capture_output=True, text=True)
        sys.stderr.write(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"llama-quantize failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
        return
    if not has_llama_cpp_extra():
        raise ConverterMissing(f"{kind} needs llama.cpp's compiled quantizer (llama-quantize or llama-cpp-python)")
    import ctypes

    import llama_cpp  # type: ignore[import-not-found]

    ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind.upper()}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params))
    if rc != 0:
        raise RuntimeError(f"llama_model_quantize failed ({rc})")
