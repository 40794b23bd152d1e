"""The air-gapped wheelhouse: build it on a connected machine, check and install it with no network."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import sysconfig
import tarfile
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .report import InstallerError

MANIFEST = "manifest.json"
FORMAT = 1


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_name_version(filename: str) -> tuple[str, str]:
    """``torch-2.13.0+cpu-cp311-…whl`` → ("torch", "2.13.0+cpu")."""
    if not filename.endswith(".whl"):
        raise ValueError(f"not a wheel: {filename}")
    parts = filename[:-4].split("-")
    return canonical(parts[0]), parts[1]


def current_platform() -> str:
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def current_python() -> str:
    return f"{platform.python_version_tuple()[0]}.{platform.python_version_tuple()[1]}"


_ARCH = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64", "i686": "i686",
         "ppc64le": "ppc64le", "s390x": "s390x", "universal2": "universal2", "win32": "i686"}


def platform_family(tag: str) -> tuple[str, str | None, tuple[int, int] | None]:
    """(os, arch, minimum glibc) of a wheel platform tag such as manylinux_2_28_x86_64 or win_amd64."""
    t = tag.lower()
    os_ = ("linux" if "linux" in t else "macos" if t.startswith("macosx") else "windows" if t.startswith("win")
           else t)
    arch = next((a for k, a in _ARCH.items() if t.endswith(k)), None)
    glibc = None
    m = re.match(r"manylinux_(\d+)_(\d+)_", t)
    if m:
        glibc = (int(m.group(1)), int(m.group(2)))
    elif t.startswith("manylinux2014"):
        glibc = (2, 17)
    return os_, arch, glibc


def compatibility_problem(manifest: dict[str, Any], python_version: str) -> str | None:
    """Why this machine cannot use the wheelhouse (another Python or platform), or None."""
    if manifest.get("format") != FORMAT:
        return f"its manifest has format {manifest.get('format')!r}; this installer reads format {FORMAT}"
    if manifest.get("python_version") != python_version:
        return (f"it was built for Python {manifest.get('python_version')}, but the environment uses Python "
                f"{python_version}; build it with --python-version {python_version} or run the installer "
                f"with Python {manifest.get('python_version')}")
    want_os, want_arch, glibc = platform_family(manifest.get("platform", ""))
    have_os, have_arch, _ = platform_family(current_platform())
    if (want_os, want_arch) != (have_os, have_arch):
        return (f"it was built for the platform {manifest.get('platform')}, but this machine is "
                f"{current_platform()}; build it with --platform for this machine")
    if glibc and have_os == "linux":
        libc, ver = platform.libc_ver()
        nums = tuple(int(x) for x in re.findall(r"\d+", ver)[:2]) if libc == "glibc" else ()
        if len(nums) == 2 and nums < glibc:
            return (f"it needs glibc {glibc[0]}.{glibc[1]} ({manifest.get('platform')}), this machine has "
                    f"glibc {ver}")
    return None


# ---- opening and checking -----------------------------------------------------------------------

def open_wheelhouse(source: str, scratch: Path) -> Path:
    """A folder holding manifest.json: ``source`` itself, or the tarball extracted under ``scratch``."""
    src = Path(source).expanduser().resolve()
    if src.is_dir():
        root = src
    elif src.is_file() and tarfile.is_tarfile(src):
        with tarfile.open(src) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(scratch, filter="data")
            else:  # Python < 3.10.12: refuse members that would land outside scratch
                for m in tar.getmembers():
                    target = (scratch / m.name).resolve()
                    if not str(target).startswith(str(scratch.resolve())) or m.issym() or m.islnk():
                        raise InstallerError("wheelhouse_invalid", f"The tarball {src} holds an unsafe entry: "
                                             f"{m.name}")
                tar.extractall(scratch)  # members checked above
        candidates = [scratch, *(p for p in scratch.iterdir() if p.is_dir())]
        root = next((c for c in candidates if (c / MANIFEST).is_file()), scratch)
    else:
        raise InstallerError("wheelhouse_invalid", f"The wheelhouse {source} is neither a folder nor a tarball.")
    if not (root / MANIFEST).is_file():
        raise InstallerError("wheelhouse_invalid", f"The wheelhouse {source} has no {MANIFEST}.")
    return root


def load_and_check(root: Path) -> dict[str, Any]:
    """The manifest, after every file's size and sha256 matched it (before pip sees any of them)."""
    try:
        manifest = json.loads((root / MANIFEST).read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InstallerError("wheelhouse_invalid", f"The wheelhouse manifest cannot be read: {e}") from e
    for f in files:
        name = f["name"]
        path = root / name
        if os.path.basename(name) != name:
            raise InstallerError("wheelhouse_invalid", f"The manifest names a file outside the wheelhouse: {name}")
        if not path.is_file():
            raise InstallerError("wheelhouse_invalid", f"The wheelhouse is missing {name} (listed in its manifest).")
        if path.stat().st_size != f["size"] or sha256_file(path) != f["sha256"]:
            raise InstallerError("wheelhouse_invalid", f"{name} does not match the sha256 in the wheelhouse "
                                 "manifest: the file is damaged or was changed. Copy the wheelhouse again.")
    return manifest


def requirement_files(root: Path, manifest: dict[str, Any], out_dir: Path) -> tuple[Path, Path | None]:
    """Hashed requirement files generated from the manifest: everything, and the --no-deps packages."""
    extras = {canonical(k): v for k, v in manifest.get("requirements", {}).get("extras", {}).items()}
    no_deps = set(manifest.get("requirements", {}).get("no_deps_files", []))
    main, alone = [], []
    for f in manifest["files"]:
        if not f["name"].endswith(".whl"):  # the llama.cpp sdist: unpacked by the installer, not pip-installed
            continue
        name, version = wheel_name_version(f["name"])
        ex = f"[{','.join(extras[name])}]" if name in extras else ""
        (alone if f["name"] in no_deps else main).append(f"{name}{ex}=={version} --hash=sha256:{f['sha256']}\n")
    main_path = out_dir / "wheelhouse-requirements.txt"
    main_path.write_text("".join(main))
    alone_path = None
    if alone:
        alone_path = out_dir / "wheelhouse-no-deps.txt"
        alone_path.write_text("".join(alone))
    return main_path, alone_path


# ---- building -----------------------------------------------------------------------------------

def write_manifest(out: Path, *, profile: str, variant: str, python_version: str, plat: str,
                   requirements: dict[str, Any]) -> dict[str, Any]:
    files = []
    for p in sorted(out.iterdir()):
        if p.name == MANIFEST or not p.is_file():
            continue
        files.append({"name": p.name, "sha256": sha256_file(p), "size": p.stat().st_size})
    manifest = {"format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "profile": profile, "torch_variant": variant, "python_version": python_version,
                "platform": plat, "files": files, "requirements": requirements}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def make_tar(out: Path) -> Path:
    tar_path = out.parent / (out.name + ".tar")
    tmp = tar_path.with_suffix(".tar.partial")
    with tarfile.open(tmp, "w") as tar:  # uncompressed: wheels are zip files already
        tar.add(out, arcname=out.name)
    os.replace(tmp, tar_path)
    return tar_path


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
