"""The trainer package beside the installer (a checkout's trainer/ or the packaged app's resources)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

TRAINER_DIR = Path(__file__).resolve().parent.parent


def trainer_version(trainer_dir: Path = TRAINER_DIR) -> str:
    m = re.search(r'^version\s*=\s*"([^"]+)"', (trainer_dir / "pyproject.toml").read_text(), re.M)
    return m.group(1) if m else "0"


def copy_for_build(trainer_dir: Path, scratch: Path) -> Path:
    """A clean copy to build from: the source may be read-only (packaged app) and in-tree builds leave
    build/ and *.egg-info behind."""
    dest = scratch / "trainer"
    dest.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        if (trainer_dir / name).is_file():
            shutil.copy2(trainer_dir / name, dest / name)
    shutil.copytree(trainer_dir / "hone_trainer", dest / "hone_trainer",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest
