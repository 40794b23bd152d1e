"""The request loop: validate each request, run it, answer with events (docs/serving.md, "Worker protocol")."""

from __future__ import annotations

import os
import sys
import traceback

from hone_trainer.serve.channel import Channel
from hone_trainer.serve.engine import Engine, RequestError, load_engine


def _int(req: dict, key: str, default, lo: int, hi: int | None = None):
    v = req.get(key, default)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v > hi):
        rng = f">= {lo}" if hi is None else f"in {lo}..{hi}"
        raise RequestError(f"'{key}' must be an integer {rng}, got {v!r}", "invalid_request")
    return v


def _float(req: dict, key: str, default: float, lo: float, hi: float) -> float:
    v = req.get(key, default)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
        raise RequestError(f"'{key}' must be a number in {lo}..{hi}, got {v!r}", "invalid_request")
    return float(v)


def _text_parts(m: dict, i: int) -> dict:
    """OpenAI's content parts ``[{"type":"text","text":…}]`` as the one string chat templates expect."""
    content = m.get("content")
    if not isinstance(content, list):
        return m
    if not all(isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str) for p in content):
        raise RequestError(f"messages[{i}].content: only text parts are supported by this model", "invalid_request")
    return {**m, "content": "".join(p["text"] for p in content)}


def _messages(req: dict):
    msgs = req.get("messages")
    if not isinstance(msgs, list) or not msgs or not all(isinstance(m, dict) for m in msgs):
        raise RequestError("'messages' must be a non-empty list of message objects", "invalid_request")
    msgs = [_text_parts(m, i) for i, m in enumerate(msgs)]
    tools = req.get("tools")
    if tools is not None and not isinstance(tools, list):
        raise RequestError("'tools' must be a list", "invalid_request")
    return msgs, tools


def _sampling(req: dict) -> dict:
    stop = req.get("stop") or []
    if isinstance(stop, str):
        stop = [stop]
    if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
        raise RequestError("'stop' must be a string or a list of strings", "invalid_request")
    seed = req.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise RequestError(f"'seed' must be an integer, got {seed!r}", "invalid_request")
    return {"max_tokens": _int(req, "max_tokens", None, 1), "temperature": _float(req, "temperature", 1.0, 0.0, 2.0),
            "top_p": _float(req, "top_p", 1.0, 0.0, 1.0), "stop": stop,
            "seed": None if seed is None else seed % (2**63), "n": _int(req, "n", 1, 1, 16)}


def _generate(ch: Channel, engine: Engine, req: dict, rid: str, compare: bool) -> None:
    msgs, tools = _messages(req)
    sampling = _sampling(req)
    if compare:
        adapters = req.get("adapters")
        if not isinstance(adapters, list) or not adapters or not all(a is None or isinstance(a, str) for a in adapters):
            raise RequestError("'adapters' must be a non-empty list of adapter names or null (the base)",
                               "invalid_request")
        if sampling["n"] != 1:
            raise RequestError("compare runs one answer per model: 'n' must be 1", "invalid_request")
    else:
        adapter = req.get("adapter")
        if adapter is not None and not isinstance(adapter, str):
            raise RequestError("'adapter' must be an adapter name or null (the base)", "invalid_request")
        adapters = [adapter]
    for a in adapters:
        engine._key(a)  # unknown adapter: an error before "start"
    input_ids = engine.render(msgs, tools)
    prompt_tokens = int(input_ids.shape[1])
    ch.send({"id": rid, "event": "start", "prompt_tokens": prompt_tokens})
    choices = engine.generate(
        adapters, input_ids, **sampling, mixed=compare,
        on_delta=lambda i, text: ch.send({"id": rid, "event": "delta", "index": i, "text": text}),
        cancelled=lambda: ch.is_cancelled(rid))
    ch.send({"id": rid, "event": "done",
             "choices": [{"index": c.index, "finish_reason": c.finish, "completion_tokens": c.completion_tokens}
                         for c in choices],
             "prompt_tokens": prompt_tokens, "completion_tokens": sum(c.completion_tokens for c in choices)})


def _handle(ch: Channel, engine: Engine, req: dict) -> bool:
    """Run one request; False when the worker should exit."""
    rid = req.get("id")
    op = req.get("op")
    if op == "shutdown":
        if rid is not None:
            ch.send({"id": rid, "event": "ok"})
        return False
    if not isinstance(rid, str):
        ch.send({"id": rid, "event": "error", "message": "every request needs a string 'id'",
                 "code": "invalid_request"})
        return True
    try:
        if op in ("generate", "compare"):
            _generate(ch, engine, req, rid, compare=op == "compare")
        elif op == "load_adapter":
            name, path = req.get("name"), req.get("path")
            if not isinstance(name, str) or not name or not isinstance(path, str) or not path:
                raise RequestError("load_adapter needs string 'name' and 'path'", "invalid_request")
            engine.load_adapter(name, path)
            ch.send({"id": rid, "event": "ok", "adapters": sorted(engine.adapters)})
        elif op == "unload_adapter":
            name = req.get("name")
            if not isinstance(name, str):
                raise RequestError("unload_adapter needs a string 'name'", "invalid_request")
            engine.unload_adapter(name)
            ch.send({"id": rid, "event": "ok", "adapters": sorted(engine.adapters)})
        elif op == "tokenize":
            msgs, tools = _messages(req)
            ch.send({"id": rid, "event": "ok", "prompt_tokens": int(engine.render(msgs, tools).shape[1])})
        else:
            raise RequestError(f"unknown op {op!r}", "unknown_op")
    except RequestError as e:
        ch.send({"id": rid, "event": "error", "message": str(e), "code": e.code})
    except Exception as e:  # noqa: BLE001 - one request's crash must not take the worker (and its loaded model) down
        import torch

        traceback.print_exc(file=sys.stderr)
        code = "out_of_memory" if isinstance(e, torch.OutOfMemoryError) else "internal_error"
        if code == "out_of_memory" and torch.cuda.is_available():
            torch.cuda.empty_cache()
        ch.send({"id": rid, "event": "error", "message": f"{type(e).__name__}: {e}"[:2000], "code": code})
    finally:
        ch.end(rid)
    return True


def serve(args) -> int:
    ch = Channel()
    try:
        engine, load_s = load_engine(args.model, args.models_dir, args.device, args.dtype)
    except Exception as e:  # noqa: BLE001 - whatever stops the model loading, the core must hear why
        traceback.print_exc(file=sys.stderr)
        ch.send({"event": "fatal", "message": f"{type(e).__name__}: {e}"[:2000],
                 "code": getattr(e, "code", "model_load_failed")})
        return 1
    ch.send({"event": "ready", "model": args.model, "device": engine.device,
             "dtype": str(engine.dtype).removeprefix("torch."), "load_s": round(load_s, 3),
             "chat_template": engine.has_chat_template, **engine.info()})
    ch.start_reader()
    while _handle(ch, engine, ch.requests.get()):
        pass
    # Leave without interpreter teardown: it waited seconds on the reader thread blocked in stdin
    # and on freeing the model, while the core waits for the exit to reuse the GPU.
    sys.stderr.flush()
    os._exit(0)
