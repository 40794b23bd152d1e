"""``wheelhouse``: every wheel of the app profile in one folder (+ manifest, + tarball), on a connected machine."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import llamacpp, pins, wheelhouse
from .piprun import PIP_QUIET_FLAGS, ProgressParser, run_pip
from .report import Reporter, UsageError
from .torch_index import resolve_index
from .trainer_source import TRAINER_DIR, copy_for_build


@dataclass
class WheelhouseOptions:
    out: Path
    profile: str = "app"
    torch: str = "cpu"
    torch_index: str = "auto"
    platform: str | None = None
    python_version: str | None = None
    tar: bool = False
    trainer_dir: Path = TRAINER_DIR


def build(opts: WheelhouseOptions, rep: Reporter) -> dict[str, Any]:
    if opts.profile != "app":
        raise UsageError("a wheelhouse holds the app profile (--profile app)")
    if opts.torch == "auto":
        raise UsageError("choose the target's torch build for a wheelhouse: --torch cpu|cu126|cu128|cu130|rocm|mps")
    out = opts.out.expanduser().resolve()
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty: choose a new folder for the wheelhouse")
    out.mkdir(parents=True, exist_ok=True)
    here_plat, here_py = wheelhouse.current_platform(), wheelhouse.current_python()
    plat = opts.platform or here_plat
    pyver = opts.python_version or here_py
    cross = plat != here_plat or pyver != here_py
    py = sys.executable
    scratch = wheelhouse.scratch_dir("hone-wheelhouse-")
    try:
        rep.step("resolve", "running", f"Building the trainer's wheel ({'cross: ' + plat if cross else plat}, "
                 f"Python {pyver}, torch {opts.torch})")
        src = copy_for_build(opts.trainer_dir, scratch)
        trainer_out = scratch / "trainer-wheel"
        run_pip(py, ["wheel", *PIP_QUIET_FLAGS, "--no-deps", "-w", str(trainer_out), str(src)], rep,
                "building the trainer's wheel")
        trainer_whl = next(trainer_out.glob("*.whl"))
        shutil.copy2(trainer_whl, out / trainer_whl.name)
        rep.step("resolve", "done", f"Built {trainer_whl.name}")

        index = resolve_index(opts.torch_index, opts.torch, rep.info)
        extra = ["--extra-index-url", index] if index else []
        reqs = [pins.TORCH_REQUIREMENT, f"{out / trainer_whl.name}[{','.join(pins.APP_EXTRAS)}]",
                *pins.EXPORT_REQUIREMENTS]
        if opts.torch.startswith("cu"):
            reqs += pins.CUDA_ONLY
        rep.step("download", "running", "Collecting every wheel of the app profile")
        parser = ProgressParser(0)

        def on_line(line: str) -> None:
            p = parser.feed(line)
            if p:
                rep.progress("download", p["done"], p["total"], p["bytes_done"], None, p["item"])

        if not cross:
            # pip wheel also builds wheels for the sdist-only dependencies (sqlitedict, rouge-score, word2number).
            run_pip(py, ["wheel", *PIP_QUIET_FLAGS, *extra, "-w", str(out), *reqs], rep, "collecting wheels",
                    on_line=on_line)
            before = {p.name for p in out.iterdir()}
            run_pip(py, ["wheel", *PIP_QUIET_FLAGS, "--no-deps", "-w", str(out), *pins.NO_DEPS], rep,
                    "collecting wheels without dependencies", on_line=on_line)
        else:
            # The sdist-only dependencies have no wheel on the index: build them here (they are pure Python),
            # then fetch every binary wheel for the target platform with those as extra links.
            pure = scratch / "pure"
            run_pip(py, ["wheel", *PIP_QUIET_FLAGS, "-w", str(pure), *reqs], rep, "building pure wheels")
            for p in pure.glob("*.whl"):
                if not p.name.endswith("-none-any.whl"):
                    p.unlink()
            target = ["--only-binary=:all:", "--platform", plat, "--python-version", pyver,
                      "--implementation", "cp", "--find-links", str(pure), "-d", str(out)]
            run_pip(py, ["download", *PIP_QUIET_FLAGS, *extra, *target, *reqs], rep,
                    f"downloading wheels for {plat}", on_line=on_line)
            before = {p.name for p in out.iterdir()}
            run_pip(py, ["download", *PIP_QUIET_FLAGS, "--no-deps", *target, *pins.NO_DEPS], rep,
                    f"downloading wheels for {plat}", on_line=on_line)
        no_deps_files = sorted(p.name for p in out.iterdir() if p.name not in before)
        stray = [p for p in out.iterdir() if not p.name.endswith(".whl")]
        for p in stray:  # pip download can leave sdists when a wheel exists elsewhere; pip wheel never does
            p.unlink()
        # llama.cpp's converters travel as the pinned sdist (platform-independent, unpacked at install).
        llamacpp.download_sdist(py, out, rep)
        rep.step("download", "done", f"{len(list(out.glob('*.whl')))} wheels and the {pins.LLAMA_CPP_SDIST} sdist")

        rep.step("verify", "running", "Hashing the wheels into manifest.json")
        manifest = wheelhouse.write_manifest(
            out, profile=opts.profile, variant=opts.torch, python_version=pyver, plat=plat,
            requirements={"top": [reqs[0], f"hone-trainer[{','.join(pins.APP_EXTRAS)}]", *reqs[2:]],
                          "no_deps": pins.NO_DEPS, "no_deps_files": no_deps_files,
                          "extras": {"hone-trainer": pins.APP_EXTRAS}, "torch_index": index})
        size = sum(f["size"] for f in manifest["files"])
        result: dict[str, Any] = {"path": str(out), "files": len(manifest["files"]), "bytes": size, "tar": None}
        if opts.tar:
            result["tar"] = str(wheelhouse.make_tar(out))
        rep.step("verify", "done", f"{result['files']} files, {size / 1e6:.0f} MB"
                 + (f"; tarball {result['tar']}" if result["tar"] else ""))
        return result
    finally:
        wheelhouse.remove(scratch)
