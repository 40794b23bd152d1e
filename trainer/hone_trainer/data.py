"""Read OpenAI fine-tuning files (chat JSONL, a JSON array of the same, preference JSONL) as a stream
of normalised examples. Tokenisation and label masks live in ``labels.py``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from hone_trainer.spec import SpecError


class DataError(SpecError):
    def __init__(self, message: str, code: str = "invalid_training_file"):
        super().__init__(message, code)


def file_digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _first_char(path: str) -> str:
    with open(path, encoding="utf-8-sig") as fh:
        while True:
            ch = fh.read(1)
            if not ch or not ch.isspace():
                return ch


def iter_records(path: str) -> Iterator[tuple[int, Any]]:
    """Yield (line_or_index, object). JSONL is streamed line by line; a JSON array (the seed's sample
    format) is parsed whole, which is fine for the small files that use it."""
    if _first_char(path) == "[":
        with open(path, encoding="utf-8-sig") as fh:
            try:
                items = json.load(fh)
            except ValueError as e:
                raise DataError(f"{path}: not valid JSON: {e}") from e
        yield from enumerate(items, 1)
        return
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except ValueError as e:
                raise DataError(f"{path}: line {n} is not valid JSON: {e}") from e


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: keep the text ones
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type", "text") == "text")
    raise ValueError("content must be a string, a list of content parts or null")


def _arguments(args: Any) -> Any:
    # Most chat templates expect arguments as a mapping; OpenAI files carry a JSON string.
    if isinstance(args, str):
        try:
            parsed = json.loads(args)
            return parsed if isinstance(parsed, dict) else args
        except ValueError:
            return args
    return args


def normalise_messages(messages: Any, where: str) -> tuple[list[dict], list[bool]]:
    """Return (messages for the chat template, trained flag per message)."""
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: 'messages' must be a non-empty list")
    out, trained = [], []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or not isinstance(m.get("role"), str):
            raise DataError(f"{where}: message {i} must be an object with a 'role'")
        role = m["role"]
        try:
            content = _text(m.get("content"))
        except ValueError as e:
            raise DataError(f"{where}: message {i}: {e}") from e
        msg: dict[str, Any] = {"role": role, "content": content}
        if role == "developer":
            msg["role"] = "system"
        elif role == "function":  # legacy function result -> tool message
            msg["role"] = "tool"
            if m.get("name"):
                msg["name"] = m["name"]
        elif role == "tool":
            if m.get("tool_call_id"):
                msg["tool_call_id"] = m["tool_call_id"]
            if m.get("name"):
                msg["name"] = m["name"]
        elif role == "assistant":
            calls = m.get("tool_calls") or []
            if m.get("function_call"):
                calls = [{"type": "function", "function": m["function_call"]}]
            if calls:
                norm = []
                for c in calls:
                    fn = c.get("function", c) if isinstance(c, dict) else None
                    if not isinstance(fn, dict) or not fn.get("name"):
                        raise DataError(f"{where}: message {i}: malformed tool call")
                    function = {"name": fn["name"], "arguments": _arguments(fn.get("arguments", {}))}
                    entry = {"type": "function", "function": function}
                    if isinstance(c, dict) and c.get("id"):
                        entry["id"] = c["id"]
                    norm.append(entry)
                msg["tool_calls"] = norm
        elif role not in ("system", "user"):
            raise DataError(f"{where}: message {i}: unsupported role {role!r}")
        weight = m.get("weight", 1)
        if role == "assistant" and weight not in (0, 1, True, False):
            raise DataError(f"{where}: message {i}: weight must be 0 or 1")
        trained.append(role == "assistant" and bool(weight))
        out.append(msg)
    if not any(m["role"] == "assistant" for m in out):
        raise DataError(f"{where}: example has no assistant message")
    return out, trained


def iter_chat_examples(path: str) -> Iterator[dict]:
    for n, rec in iter_records(path):
        where = f"{path}: example {n}"
        if not isinstance(rec, dict):
            raise DataError(f"{where}: must be a JSON object")
        if "input" in rec and ("preferred_output" in rec or "preferred_completion" in rec):
            raise DataError(f"{where}: this is a preference (DPO) example; use method 'dpo'")
        messages, trained = normalise_messages(rec.get("messages"), where)
        tools = rec.get("tools") or rec.get("functions")
        if tools and rec.get("functions"):
            tools = [{"type": "function", "function": f} for f in tools]
        yield {"messages": messages, "trained": trained, "tools": tools or None}


def _only_assistant(value: Any, where: str, key: str) -> dict:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict) or value.get("role", "assistant") != "assistant":
        raise DataError(f"{where}: '{key}' must be a list with exactly one assistant message")
    try:
        return {"role": "assistant", "content": _text(value.get("content"))}
    except ValueError as e:
        raise DataError(f"{where}: {key}: {e}") from e


def iter_preference_examples(path: str) -> Iterator[dict]:
    """OpenAI DPO lines: input.messages + preferred_output/non_preferred_output (or *_completion)."""
    for n, rec in iter_records(path):
        where = f"{path}: example {n}"
        if not isinstance(rec, dict) or not isinstance(rec.get("input"), dict):
            raise DataError(f"{where}: preference examples need an 'input' object with 'messages'")
        pref = rec.get("preferred_output", rec.get("preferred_completion"))
        rej = rec.get("non_preferred_output", rec.get("non_preferred_completion"))
        if pref is None or rej is None:
            raise DataError(f"{where}: needs 'preferred_output' and 'non_preferred_output'")
        prompt, _ = _normalise_prompt(rec["input"].get("messages"), where)
        yield {"prompt": prompt, "chosen": [_only_assistant(pref, where, "preferred_output")],
               "rejected": [_only_assistant(rej, where, "non_preferred_output")]}


def _normalise_prompt(messages: Any, where: str) -> tuple[list[dict], None]:
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: input.messages must be a non-empty list")
    out = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ("system", "developer", "user", "assistant"):
            raise DataError(f"{where}: input message {i} must be a system, user or assistant message")
        try:
            role = "system" if m["role"] == "developer" else m["role"]
            out.append({"role": role, "content": _text(m.get("content"))})
        except ValueError as e:
            raise DataError(f"{where}: input message {i}: {e}") from e
    return out, None
