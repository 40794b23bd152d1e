"""Command line: ``train``, ``estimate``, ``models list|prepare`` and ``export`` (see trainer/README.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback


def _train(args) -> int:
    from hone_trainer.hangup import survive_hangup, write_exit

    survive_hangup(os.environ.get("HONE_CONSOLE_FILE"))
    code = _train_once(args)
    if int(os.environ.get("RANK", 0)) == 0:
        write_exit(args.spec, code)
    return code


def _train_once(args) -> int:
    from hone_trainer.callbacks import StopRequest
    from hone_trainer.events import EventWriter
    from hone_trainer.spec import SpecError, guess_events_file, load_spec

    rank = int(os.environ.get("RANK", 0))
    try:
        spec = load_spec(args.spec)
    except SpecError as e:
        events = EventWriter(guess_events_file(args.spec), enabled=rank == 0)
        events.emit("error", message=str(e), code=e.code)
        print(f"[hone] error: {e}", file=sys.stderr, flush=True)
        return 2
    events = EventWriter(spec.events_file, enabled=rank == 0)
    stop = StopRequest(spec.stop_file)
    stop.install()

    if spec.gpus > 1 and "LOCAL_RANK" not in os.environ:
        import torch

        if torch.cuda.device_count() > 1:
            from hone_trainer.launch import launch_distributed

            return launch_distributed(args.spec, spec, events, stop)
        events.warning(f"spec asks for {spec.gpus} GPUs but {torch.cuda.device_count()} are visible; "
                       "training in one process", "gpus_unavailable")

    from hone_trainer.training import EXIT_FAILED, EXIT_INVALID, EXIT_STOPPED, Stopped, run

    try:
        return run(spec, events, stop)
    except SpecError as e:
        events.emit("error", message=str(e), code=e.code)
        print(f"[hone] error: {e}", file=sys.stderr, flush=True)
        return EXIT_INVALID
    except Stopped:
        events.emit("stopped", step=0, checkpoint_path=None, reason=stop.reason() or "signal")
        return EXIT_STOPPED
    except BaseException as e:  # noqa: BLE001 - every failure must reach the core as an event
        import torch

        code = "out_of_memory" if isinstance(e, torch.OutOfMemoryError) else "internal_error"
        if isinstance(e, KeyboardInterrupt):
            code = "interrupted"
        tb = traceback.format_exc()
        print(tb, file=sys.stderr, flush=True)
        events.emit("error", message=f"{type(e).__name__}: {e}"[:2000], code=code, traceback=tb[-20000:])
        return EXIT_FAILED


def _models(args) -> int:
    from hone_trainer.models import list_models, resolve_model
    from hone_trainer.spec import SpecError

    if args.models_cmd == "list":
        models = list_models(args.models_dir)
        if args.json:
            print(json.dumps(models, indent=2))
        else:
            for m in models:
                print(f"{m['id']:32} {m['kind']:8} {'prepared' if m['prepared'] else ''}  {m['description']}")
        return 0
    try:
        path = resolve_model(args.name, args.models_dir)
    except SpecError as e:
        print(json.dumps({"error": {"message": str(e), "code": e.code}}))
        return 2
    print(json.dumps({"id": args.name, "path": path}))
    return 0


def _estimate(args) -> int:
    from hone_trainer.estimate import run_once, serve

    return serve() if args.serve else run_once(args.spec)


def _export(args) -> int:
    from hone_trainer.exporting import ExportError, run_export
    from hone_trainer.exporting.llamacpp import capabilities

    if args.capabilities:
        print(json.dumps(capabilities()))
        return 0
    if not args.out:
        print(json.dumps({"event": "error", "message": "--out is required", "param": "out", "code": "invalid_export"}))
        return 2
    try:
        run_export(args.format, args.out, adapter=args.adapter, base=args.base, models_dir=args.models_dir,
                   quantization=args.quantization, dtype=args.dtype, name=args.name)
    except ExportError as e:
        print(json.dumps({"event": "error", "message": str(e), "param": e.param, "code": e.code}), flush=True)
        return 2
    except Exception as e:  # noqa: BLE001 - the core shows the reason; the traceback goes to stderr
        traceback.print_exc()
        print(json.dumps({"event": "error", "message": f"{type(e).__name__}: {e}"[:2000], "param": None,
                          "code": "export_failed"}), flush=True)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m hone_trainer", description="Hone fine-tuning worker")
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="run one fine-tuning job described by spec.json")
    t.add_argument("--spec", required=True)
    t.set_defaults(func=_train)

    est = sub.add_parser("estimate", help="what train would do with spec.json (steps, tokens, memory); prints JSON")
    how = est.add_mutually_exclusive_group(required=True)
    how.add_argument("--spec")
    how.add_argument("--serve", action="store_true", help="answer JSON lines {id, spec} on stdin")
    est.set_defaults(func=_estimate)

    m = sub.add_parser("models", help="built-in models")
    msub = m.add_subparsers(dest="models_cmd", required=True)
    ml = msub.add_parser("list")
    ml.add_argument("--json", action="store_true")
    ml.add_argument("--models-dir", default=os.environ.get("HONE_MODELS_DIR"))
    mp = msub.add_parser("prepare", help="build/convert/download a model into the models dir; prints JSON")
    mp.add_argument("name")
    mp.add_argument("--models-dir", required=True)
    m.set_defaults(func=_models)

    e = sub.add_parser("export", help="export a base or fine-tuned model: merged, gguf, lora_gguf, ollama; "
                                      "prints JSON lines (progress, then done or error)")
    e.add_argument("--format", default="merged", choices=["merged", "gguf", "lora_gguf", "ollama"])
    e.add_argument("--quantization", choices=["f16", "q8_0", "q4_k_m"])
    e.add_argument("--adapter", help="LoRA adapter dir (a fine-tuned model); omit to export the base itself")
    e.add_argument("--out")
    e.add_argument("--base", help="base model dir or name (default: the adapter's base_model_name_or_path)")
    e.add_argument("--name", default="model", help="stem of the GGUF file names")
    e.add_argument("--models-dir", default=os.environ.get("HONE_MODELS_DIR"))
    e.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"])
    e.add_argument("--capabilities", action="store_true", help="print what this environment can export (JSON)")
    e.set_defaults(func=_export)

    from hone_trainer.packs import add_parser as add_pack_parser

    add_pack_parser(sub)
    from hone_trainer.serve import add_parser as add_serve_parser

    add_serve_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
