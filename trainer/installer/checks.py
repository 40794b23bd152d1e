"""Pre-flight checks that need no pip: free disk space."""

from __future__ import annotations

import shutil
from pathlib import Path

from .report import InstallerError


def existing_ancestor(path: Path) -> Path:
    p = path.expanduser().resolve()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_disk(target: Path, min_free_gb: float) -> float:
    """Free GB on the volume that will hold ``target``; ``disk_full`` when below ``min_free_gb``."""
    where = existing_ancestor(target)
    free_gb = shutil.disk_usage(where).free / 1e9
    if free_gb < min_free_gb:
        raise InstallerError(
            "disk_full",
            f"Only {free_gb:.1f} GB is free on the disk holding {where}, and the install needs at least "
            f"{min_free_gb:g} GB. Free some space there or choose another location for the environment.")
    return free_gb
