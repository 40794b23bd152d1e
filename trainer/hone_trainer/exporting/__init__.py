"""Exports of a base or fine-tuned model: merged safetensors, GGUF, LoRA GGUF and an Ollama Modelfile.

``run_export`` is what ``python -m hone_trainer export`` calls; it reports progress as JSON lines
(``{"event":"progress","stage","progress","message"}``) so the core can relay them.
"""

from __future__ import annotations

from hone_trainer.exporting.run import FORMATS, QUANTIZATIONS, ExportError, run_export

__all__ = ["FORMATS", "QUANTIZATIONS", "ExportError", "run_export"]
