"""Resolve a spec's ``model`` (built-in name, seed alias, hub id or local dir) to a local directory."""

from __future__ import annotations

import os

from hone_trainer.builtin_models import BUILTINS, SMOLLM2, is_prepared, prepare_builtin, smollm2_gguf_path
from hone_trainer.spec import SpecError

# Names used by the seed API (and common short names) -> Hugging Face hub ids.
SEED_ALIASES = {
    "Meta-Llama-3.1-8B-Instruct": "meta-llama/Llama-3.1-8B-Instruct",
    "Meta-Llama-3.1-70B-Instruct": "meta-llama/Llama-3.1-70B-Instruct",
    "Meta-Llama-3-8B-Instruct": "meta-llama/Meta-Llama-3-8B-Instruct",
    "Meta-Llama-3-70B-Instruct": "meta-llama/Meta-Llama-3-70B-Instruct",
    "Llama-3.2-1B-Instruct": "meta-llama/Llama-3.2-1B-Instruct",
    "Llama-3.2-3B-Instruct": "meta-llama/Llama-3.2-3B-Instruct",
    "Mistral-7B-Instruct-v0.3": "mistralai/Mistral-7B-Instruct-v0.3",
    "Qwen2.5-0.5B-Instruct": "Qwen/Qwen2.5-0.5B-Instruct",
    "Qwen2.5-7B-Instruct": "Qwen/Qwen2.5-7B-Instruct",
    "gemma-2-2b-it": "google/gemma-2-2b-it",
    "SmolLM2-135M-Instruct": "HuggingFaceTB/SmolLM2-135M-Instruct",
}


def list_models(models_dir: str | None) -> list[dict]:
    out = []
    for name, desc in BUILTINS.items():
        path = os.path.join(models_dir, name) if models_dir else None
        available = True if name != SMOLLM2 else smollm2_gguf_path() is not None
        out.append({"id": name, "kind": "builtin", "description": desc, "available": available,
                    "prepared": bool(path and is_prepared(path)), "path": path})
    for alias, hub_id in SEED_ALIASES.items():
        out.append({"id": alias, "kind": "alias", "hub_id": hub_id,
                    "description": f"Hugging Face model {hub_id} (downloaded on first use; HF_TOKEN for gated models)",
                    "available": True, "prepared": False, "path": None})
    return out


def resolve_model(name: str, models_dir: str) -> str:
    """Return a local directory holding config + weights + tokenizer, preparing it if needed."""
    if name in BUILTINS:
        try:
            return prepare_builtin(name, models_dir)
        except FileNotFoundError as e:
            raise SpecError(str(e), "model_not_found") from e
    if os.path.isabs(name) or name.startswith((".", "~")):
        path = os.path.abspath(os.path.expanduser(name))
        if not os.path.isfile(os.path.join(path, "config.json")):
            raise SpecError(f"model directory not found or has no config.json: {path}", "model_not_found")
        return path
    hub_id = SEED_ALIASES.get(name, name)
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        # HF_TOKEN, HF_HOME and HF_HUB_OFFLINE are read by huggingface_hub itself.
        return snapshot_download(
            hub_id, allow_patterns=["*.json", "*.safetensors", "*.model", "*.txt", "*.jinja", "*.tiktoken"])
    except (LocalEntryNotFoundError, RepositoryNotFoundError) as e:
        raise SpecError(f"model {name!r} ({hub_id}) is not available locally or on the hub: {e}",
                        "model_not_found") from e
    except (HfHubHTTPError, OSError) as e:
        raise SpecError(f"could not download model {name!r} ({hub_id}): {e}", "model_not_found") from e
