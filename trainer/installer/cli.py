"""Arguments and dispatch. Exit codes: 0 success, 1 a reported error, 2 bad arguments."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import hardware, pins
from .build import WheelhouseOptions, build
from .install import InstallOptions, install, verify
from .report import InstallerError, Reporter, UsageError
from .trainer_source import TRAINER_DIR
from .venvs import read_marker

TORCH_CHOICES = ["auto", *pins.VARIANTS]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 too; keep its message on stderr
        self.print_usage(sys.stderr)
        print(f"installer: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python3 trainer/installer", description="Hone's Python environment installer.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--json", action="store_true", help="JSON lines on stdout (the core's protocol)")

    for name in ("install", "repair"):
        sp = sub.add_parser(name, help="create or update an environment" if name == "install"
                            else "install again over an existing environment, filling in what is missing")
        sp.add_argument("--venv", required=True, type=Path)
        sp.add_argument("--profile", choices=["app", "dev"], default="app")
        sp.add_argument("--wheelhouse", help="a wheelhouse folder or its .tar: install with no network")
        sp.add_argument("--torch", choices=TORCH_CHOICES, default="auto")
        sp.add_argument("--torch-index", default="auto", help="auto, pypi, or an index URL")
        sp.add_argument("--reinstall", action="store_true", help="delete and recreate the venv first")
        sp.add_argument("--repair", action="store_true", default=name == "repair")
        sp.add_argument("--skip-smoke", action="store_true")
        sp.add_argument("--min-free-gb", type=float)
        sp.add_argument("--trainer-dir", type=Path, default=TRAINER_DIR, help=argparse.SUPPRESS)
        common(sp)
    sp = sub.add_parser("verify", help="check an environment (imports, GPUs, smoke fine-tune)")
    sp.add_argument("--venv", required=True, type=Path)
    sp.add_argument("--skip-smoke", action="store_true")
    common(sp)
    sp = sub.add_parser("detect", help="the hardware and the torch build it implies")
    common(sp)
    sp = sub.add_parser("wheelhouse", help="build an air-gapped wheelhouse (on a connected machine)")
    sp.add_argument("--out", required=True, type=Path)
    sp.add_argument("--profile", choices=["app"], default="app")
    sp.add_argument("--torch", choices=list(pins.VARIANTS), default="cpu")
    sp.add_argument("--torch-index", default="auto")
    sp.add_argument("--platform", help="target wheel platform, e.g. manylinux_2_28_x86_64 (default: this one)")
    sp.add_argument("--python-version", help="target Python, e.g. 3.11 (default: this one)")
    sp.add_argument("--tar", action="store_true", help="also write OUT.tar")
    sp.add_argument("--trainer-dir", type=Path, default=TRAINER_DIR, help=argparse.SUPPRESS)
    common(sp)
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    rep = Reporter(args.json)
    try:
        if args.command in ("install", "repair"):
            opts = InstallOptions(venv=args.venv.expanduser().absolute(), profile=args.profile,
                                  wheelhouse=args.wheelhouse, torch=args.torch, torch_index=args.torch_index,
                                  reinstall=args.reinstall, repair=args.repair, skip_smoke=args.skip_smoke,
                                  min_free_gb=args.min_free_gb, trainer_dir=args.trainer_dir)
            rep.done(install(opts, rep))
        elif args.command == "verify":
            venv = args.venv.expanduser().absolute()
            env = verify(venv, args.skip_smoke, rep)
            rep.done(read_marker(venv) or env)
        elif args.command == "detect":
            hw = hardware.detect()
            rep.step("hardware", "done", hardware.describe(hw) + (f"; torch build: {hw['variant']}"
                                                                  if hw.get("variant") else ""))
            if hw.get("error"):
                raise InstallerError(hw["error"]["code"], hw["error"]["message"])
            if args.json:
                rep._emit({"event": "done", "hardware": hw})
        elif args.command == "wheelhouse":
            result = build(WheelhouseOptions(out=args.out, profile=args.profile, torch=args.torch,
                                             torch_index=args.torch_index, platform=args.platform,
                                             python_version=args.python_version, tar=args.tar,
                                             trainer_dir=args.trainer_dir), rep)
            if args.json:
                rep._emit({"event": "done", "wheelhouse": result})
            else:
                print(f"[installer] wheelhouse: {result['path']} ({result['files']} files, "
                      f"{result['bytes'] / 1e6:.0f} MB)" + (f", tarball {result['tar']}" if result["tar"] else ""))
    except UsageError as e:
        print(f"installer: error: {e}", file=sys.stderr)
        return 2
    except InstallerError as e:
        rep.error(e)
        return 1
    except KeyboardInterrupt:
        rep.error(InstallerError("pip_failed", "Interrupted."))
        return 1
    return 0
