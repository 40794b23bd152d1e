"""Which index torch comes from: PyTorch's own per-build index, probed first, or the configured pip index."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Callable

from .pins import ROCM_INDEX, TORCH_INDEX_BASE

PROBE_TIMEOUT_S = 5.0


def default_index(variant: str) -> str | None:
    if variant == "mps":
        return None  # macOS arm64 wheels on PyPI are the MPS build
    return f"{TORCH_INDEX_BASE}/{ROCM_INDEX if variant == 'rocm' else variant}"


def reachable(url: str, timeout: float = PROBE_TIMEOUT_S) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "/", method="HEAD"), timeout=timeout):
            return True
    except urllib.error.HTTPError as e:
        return e.code < 500  # the host answered
    except (OSError, ValueError):
        return False


def resolve_index(option: str, variant: str, log: Callable[[str], None],
                  probe: Callable[[str], bool] = reachable) -> str | None:
    """An extra index URL for torch, or None for the configured pip index alone."""
    choice = os.environ.get("HONE_TORCH_INDEX") or option
    if choice == "pypi":
        return None
    if choice != "auto":
        return choice.rstrip("/")
    url = default_index(variant)
    if url is None:
        return None
    if probe(url):
        return url
    log(f"{url} could not be reached within {PROBE_TIMEOUT_S:.0f} s: torch {variant} comes from the "
        "configured pip index instead")
    return None
