"""``serve``: a long-lived inference worker (one base model, fine-tuned models as named LoRA adapters)
that the core drives over JSON lines on stdin/stdout. See docs/serving.md for the protocol."""

from __future__ import annotations

import os


def _serve(args) -> int:
    from hone_trainer.serve.worker import serve

    return serve(args)


def add_parser(sub) -> None:
    s = sub.add_parser("serve", help="inference worker: JSON lines on stdin/stdout (docs/serving.md)")
    s.add_argument("--model", required=True, help="base model: built-in name, hub id or local dir")
    s.add_argument("--models-dir", default=os.environ.get("HONE_MODELS_DIR"), required=False)
    s.add_argument("--device", help="cpu or cuda:N (default: cuda:0 when present, else cpu)")
    s.add_argument("--dtype", default="auto", choices=["auto", "float32", "bfloat16", "float16"])
    s.set_defaults(func=_serve)
