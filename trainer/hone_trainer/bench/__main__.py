"""``python -m hone_trainer.bench --spec /abs/bench.json`` (exit 0 ok, 2 invalid spec, 1 failure)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("DEEPEVAL_TELEMETRY_OPT_OUT", "1")
os.environ.setdefault("DEEPEVAL_CACHE_FOLDER", os.path.join(tempfile.gettempdir(), "hone-deepeval"))


def _events_file_of(path: str) -> str | None:
    """Best effort: report an invalid spec in its events file when that field is readable."""
    try:
        with open(path, encoding="utf-8") as fh:
            value = json.load(fh).get("events_file")
        return value if isinstance(value, str) and value else None
    except Exception:  # noqa: BLE001
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hone_trainer.bench", description=__doc__)
    parser.add_argument("--spec", required=True, help="absolute path of the benchmark spec JSON")
    args = parser.parse_args(argv)

    from hone_trainer.bench.events import EventWriter
    from hone_trainer.bench.spec import BenchSpecError, load_spec

    try:
        spec = load_spec(args.spec)
    except BenchSpecError as e:
        print(f"[hone] error: {e}", file=sys.stderr, flush=True)
        EventWriter(_events_file_of(args.spec)).emit("error", message=str(e), code="invalid_spec")
        return 2
    events = EventWriter(spec.events_file)

    from hone_trainer.bench.runner import BenchRunner

    runner = BenchRunner(spec, events)
    try:
        runner.prepare()
    except BenchSpecError as e:
        print(f"[hone] error: {e}", file=sys.stderr, flush=True)
        events.emit("error", message=str(e), code="invalid_spec")
        return 2
    try:
        return runner.run()
    except Exception as e:  # noqa: BLE001 - always leave an error event for the core
        tb = traceback.format_exc()
        print(tb, file=sys.stderr, flush=True)
        events.emit("error", message=f"{type(e).__name__}: {e}", code="benchmark_failed", traceback=tb[-4000:])
        return 1


if __name__ == "__main__":
    sys.exit(main())
