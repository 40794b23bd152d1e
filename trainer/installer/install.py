"""install / repair / verify: the steps, in the order the Setup view shows them."""

from __future__ import annotations

import json
import platform
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import hardware, llamacpp, pins, wheelhouse
from .checks import check_disk
from .piprun import PIP_INSTALL_FLAGS, ProgressParser, offline_env, run_pip
from .report import InstallerError, Reporter, UsageError
from .torch_index import resolve_index
from .trainer_source import TRAINER_DIR, copy_for_build
from .venvs import create_venv, python_works, read_marker, remove_venv, venv_python, venv_python_version, write_marker
from .verify import probe_env, smoke


@dataclass
class InstallOptions:
    venv: Path
    profile: str = "app"
    wheelhouse: str | None = None
    torch: str = "auto"
    torch_index: str = "auto"
    reinstall: bool = False
    repair: bool = False
    skip_smoke: bool = False
    min_free_gb: float | None = None
    trainer_dir: Path = TRAINER_DIR


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def install(opts: InstallOptions, rep: Reporter) -> dict[str, Any]:
    if opts.wheelhouse and opts.profile != "app":
        raise UsageError("--wheelhouse holds the app profile; use --profile app with it")
    rep.step("python", "running", f"Python {platform.python_version()} at {sys.executable}")
    rep.step("python", "done", f"Python {platform.python_version()} is supported")

    rep.step("hardware", "running", "Detecting GPUs")
    hw = hardware.detect()
    scratch = wheelhouse.scratch_dir("hone-install-")
    try:
        if opts.wheelhouse:
            rep.step("hardware", "done", hardware.describe(hw))
            # Every hash is checked before anything else happens (no venv, no pip on a bad wheelhouse).
            house, manifest = _check_wheelhouse(opts, rep, scratch)
            variant = manifest.get("torch_variant", "cpu")
        else:
            variant = hardware.choose_variant(opts.torch, hw)
            rep.step("hardware", "done", f"{hardware.describe(hw)}; torch build: {variant}")

        need = opts.min_free_gb if opts.min_free_gb is not None else pins.min_free_gb(variant)
        rep.step("disk", "running", f"Checking for {need:g} GB of free space")
        free = check_disk(opts.venv, need)
        rep.step("disk", "done", f"{free:.1f} GB free")

        rep.step("venv", "running", f"Preparing the environment in {opts.venv}")
        if opts.reinstall:
            remove_venv(opts.venv)
        if opts.venv.exists() and not python_works(opts.venv) and (opts.repair or read_marker(opts.venv)):
            remove_venv(opts.venv)  # a broken interpreter (e.g. the base Python moved): start over
        created = not venv_python(opts.venv).exists()
        if created:
            create_venv(opts.venv)
        py = venv_python(opts.venv)
        rep.step("venv", "done", ("Created " if created else "Using the existing ") + f"environment {opts.venv}")

        if opts.wheelhouse:
            source = _install_wheelhouse(py, opts, house, manifest, rep, scratch)
        else:
            source = _install_index(py, opts, variant, hw, rep, scratch)

        env = verify(opts.venv, opts.skip_smoke, rep, hw=hw)
        env.update({"profile": opts.profile, "source": source,
                    "wheelhouse": str(Path(opts.wheelhouse).resolve()) if opts.wheelhouse else None,
                    "installed_at": now()})
        env = _ordered(env)
        write_marker(opts.venv, env)
        return env
    finally:
        wheelhouse.remove(scratch)


def _install_index(py: Path, opts: InstallOptions, variant: str, hw: dict[str, Any], rep: Reporter,
                   scratch: Path) -> str:
    rep.step("resolve", "running", "Resolving packages")
    index = resolve_index(opts.torch_index, variant, rep.info)
    pip_base = ["install", *PIP_INSTALL_FLAGS]
    if index:
        pip_base += ["--extra-index-url", index]
    reqs = [pins.TORCH_REQUIREMENT, *pins.EXPORT_REQUIREMENTS]
    if opts.profile == "dev":
        reqs += ["-e", f"{opts.trainer_dir}[{','.join(pins.DEV_EXTRAS)}]"]
        dev_reqs = opts.trainer_dir.parent / pins.DEV_REQUIREMENTS
        if dev_reqs.is_file():
            reqs += ["-r", str(dev_reqs)]
    else:
        src = copy_for_build(opts.trainer_dir, scratch)
        reqs.append(f"{src}[{','.join(pins.APP_EXTRAS)}]")
    if hw["kind"] == "nvidia" and pins.is_gpu_variant(variant):
        reqs += pins.CUDA_ONLY
    report = scratch / "report.json"
    run_pip(str(py), [*pip_base, "--dry-run", "--quiet", "--report", str(report), *reqs], rep, "resolving packages")
    to_install = json.loads(report.read_text()).get("install", [])
    total = len(to_install)
    rep.step("resolve", "done", f"{total} package(s) to install")

    rep.step("download", "running", f"Downloading {total} package(s)")
    parser = ProgressParser(total)
    state = {"installing": False}

    def on_line(line: str) -> None:
        if line.startswith("Installing collected packages") and not state["installing"]:
            state["installing"] = True
            rep.step("download", "done", f"Downloaded {parser.done} package(s), {parser.bytes_done / 1e6:.0f} MB")
            rep.step("install", "running", f"Installing {total} package(s)")
            return
        p = parser.feed(line)
        if p and not state["installing"]:
            rep.progress("download", p["done"], p["total"], p["bytes_done"], None, p["item"])

    run_pip(str(py), [*pip_base, *reqs], rep, "installing packages", on_line=on_line)
    if not state["installing"]:
        rep.step("download", "done", "Nothing to download")
        rep.step("install", "running", "Installing")
    rep.progress("install", total, total, parser.bytes_done, None, "")
    # The --no-deps packages (see pins.NO_DEPS for why) in their own pip call.
    run_pip(str(py), [*pip_base, "--no-deps", *pins.NO_DEPS], rep, "installing packages without dependencies")
    llamacpp.install_from_index(str(py), opts.venv, scratch, rep)
    rep.step("install", "done", "Installed")
    return "index"


def _check_wheelhouse(opts: InstallOptions, rep: Reporter, scratch: Path) -> tuple[Path, dict[str, Any]]:
    rep.step("resolve", "running", f"Checking the wheelhouse {opts.wheelhouse}")
    house = wheelhouse.open_wheelhouse(str(opts.wheelhouse), scratch)
    manifest = wheelhouse.load_and_check(house)
    # The venv's Python when it exists, else the one that will create it (this one).
    py_version = (venv_python_version(opts.venv) if venv_python(opts.venv).exists() and not opts.reinstall
                  else wheelhouse.current_python())
    problem = wheelhouse.compatibility_problem(manifest, py_version)
    if problem:
        raise InstallerError("wheelhouse_invalid", f"This wheelhouse cannot be used here: {problem}.")
    size = sum(f["size"] for f in manifest["files"])
    rep.step("resolve", "done", f"{len(manifest['files'])} wheels, {size / 1e6:.0f} MB, every sha256 matches "
             "the manifest")
    return house, manifest


def _install_wheelhouse(py: Path, opts: InstallOptions, house: Path, manifest: dict[str, Any], rep: Reporter,
                        scratch: Path) -> str:
    main_req, alone_req = wheelhouse.requirement_files(house, manifest, scratch)
    sizes = {f["name"]: f["size"] for f in manifest["files"]}
    total, total_bytes = len(sizes), sum(sizes.values())
    rep.step("download", "skipped", "Installing from the wheelhouse: nothing to download")

    rep.step("install", "running", f"Installing {total} wheel(s) with no network")
    parser = ProgressParser(total, sizes)
    env = offline_env()
    base = ["install", *PIP_INSTALL_FLAGS, "--no-index", "--find-links", str(house), "--require-hashes"]

    def on_line(line: str) -> None:
        p = parser.feed(line)
        if p:
            rep.progress("install", p["done"], p["total"], p["bytes_done"], total_bytes, p["item"])

    run_pip(str(py), [*base, "-r", str(main_req)], rep, "installing from the wheelhouse", env=env, on_line=on_line)
    if alone_req:
        run_pip(str(py), [*base, "--no-deps", "-r", str(alone_req)], rep, "installing from the wheelhouse",
                env=env, on_line=on_line)
    llamacpp.install_from_wheelhouse(house, manifest, opts.venv, rep)
    rep.progress("install", total, total, total_bytes, total_bytes, "")
    rep.step("install", "done", f"Installed {total} wheel(s) from the wheelhouse")
    return "wheelhouse"


def verify(venv: Path, skip_smoke: bool, rep: Reporter, hw: dict[str, Any] | None = None) -> dict[str, Any]:
    """Checks the venv; returns the marker's fields that verification knows (and updates an existing marker)."""
    py = venv_python(venv)
    if not py.exists():
        raise InstallerError("verify_failed", f"{venv} has no Python environment: run install first.")
    hw = hw or hardware.detect()
    rep.step("verify", "running", "Importing torch and hone_trainer")
    probe = probe_env(py, driver_present=hw["kind"] == "nvidia")
    gpus = len(probe.get("gpus", []))
    rep.step("verify", "done", f"torch {probe['torch_version']} ({probe['variant']}), {gpus} GPU(s) visible, "
             f"hone_trainer {probe.get('trainer_version')}")
    smoke_ok: bool | None = None
    if skip_smoke:
        rep.step("smoke", "skipped", "Smoke fine-tune skipped (--skip-smoke)")
    else:
        rep.step("smoke", "running", "Fine-tuning hone-tiny-llama for a few steps")
        result = smoke(py)
        smoke_ok = True
        rep.step("smoke", "done", f"{result['steps']} steps in {result['seconds']} s, final loss "
                 f"{result['final_loss']:.3f}")
    env = {
        "format": 1, "python_version": probe["python_version"], "torch_version": probe["torch_version"],
        "torch_variant": probe["variant"],
        "hardware": {"kind": hw["kind"], "gpus": hw["gpus"], "driver_version": hw.get("driver_version")},
        "trainer_version": probe.get("trainer_version"),
        "verified": {"torch": True, "gpus_visible": gpus, "smoke": smoke_ok, "at": now()},
    }
    old = read_marker(venv)
    if old is not None:
        merged = _ordered({**old, **env})
        write_marker(venv, merged)
        return merged
    return env


_ORDER = ["format", "profile", "python_version", "torch_version", "torch_variant", "hardware", "source",
          "wheelhouse", "installed_at", "trainer_version", "verified"]


def _ordered(env: dict[str, Any]) -> dict[str, Any]:
    return {**{k: env[k] for k in _ORDER if k in env}, **{k: v for k, v in env.items() if k not in _ORDER}}


