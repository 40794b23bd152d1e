"""llama.cpp's GGUF converters, unpacked from the pinned llama-cpp-python sdist into the venv.

Only the converter scripts, their ``conversion`` package and ``gguf-py`` are taken (a few MB of the 77 MB
sdist; nothing is compiled). From a wheelhouse the sdist is one of its hashed files, so this works offline.
"""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

from . import pins
from .piprun import PIP_QUIET_FLAGS, run_pip
from .report import InstallerError, Reporter

MARKER = "hone-llama-cpp.json"
_KEEP_FILES = ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py", "LICENSE")
_KEEP_DIRS = ("conversion/", "gguf-py/gguf/")


def target_dir(venv: Path) -> Path:
    return venv / "share" / "hone" / "llama.cpp"


def is_sdist(name: str) -> bool:
    return name.startswith(pins.LLAMA_CPP_SDIST_PREFIX) and name.endswith(".tar.gz")


def installed(venv: Path) -> bool:
    try:
        return json.loads((target_dir(venv) / MARKER).read_text()).get("sdist") == pins.LLAMA_CPP_SDIST
    except (OSError, ValueError):
        return False


def download_sdist(py: str, dest: Path, rep: Reporter, env: dict[str, str] | None = None) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    run_pip(py, ["download", *PIP_QUIET_FLAGS, "--no-deps", "--no-binary", ":all:", "-d", str(dest),
                 pins.LLAMA_CPP_SDIST], rep, "downloading llama.cpp's converter (llama-cpp-python sdist)", env=env)
    found = [p for p in dest.iterdir() if is_sdist(p.name)]
    if not found:
        raise InstallerError("pip_failed", f"pip did not leave the {pins.LLAMA_CPP_SDIST} sdist in {dest}")
    return found[0]


def unpack(sdist: Path, venv: Path) -> Path:
    """The converter files of ``sdist`` into ``<venv>/share/hone/llama.cpp`` (replacing an older copy)."""
    out = target_dir(venv)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    root = f"{pins.LLAMA_CPP_SDIST_PREFIX}/vendor/llama.cpp/"
    n = 0
    with tarfile.open(sdist) as tar:
        for m in tar.getmembers():
            if not m.isfile() or not m.name.startswith(root):
                continue
            rel = m.name[len(root):]
            if rel in _KEEP_FILES or (rel.startswith(_KEEP_DIRS) and ".." not in rel.split("/")):
                dst = partial / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(m)
                assert src is not None
                with src, open(dst, "wb") as fh:
                    shutil.copyfileobj(src, fh)
                n += 1
    if not (partial / "convert_hf_to_gguf.py").is_file():
        shutil.rmtree(partial, ignore_errors=True)
        raise InstallerError("pip_failed", f"{sdist.name} does not hold llama.cpp's convert_hf_to_gguf.py")
    (partial / MARKER).write_text(json.dumps({"sdist": pins.LLAMA_CPP_SDIST, "files": n}) + "\n")
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)
    return out


def install_from_index(py: str, venv: Path, scratch: Path, rep: Reporter) -> None:
    if installed(venv):
        rep.info(f"llama.cpp's converter ({pins.LLAMA_CPP_SDIST}) is already in {target_dir(venv)}")
        return
    sdist = download_sdist(py, scratch / "llama-cpp-sdist", rep)
    rep.info(f"Unpacked llama.cpp's converter into {unpack(sdist, venv)}")


def install_from_wheelhouse(house: Path, manifest: dict, venv: Path, rep: Reporter) -> None:
    names = [f["name"] for f in manifest.get("files", []) if is_sdist(f["name"])]
    if not names:  # an older wheelhouse: everything else works, GGUF export says what is missing
        rep.info(f"This wheelhouse has no {pins.LLAMA_CPP_SDIST} sdist: GGUF export will be unavailable")
        return
    rep.info(f"Unpacked llama.cpp's converter into {unpack(house / names[0], venv)}")
