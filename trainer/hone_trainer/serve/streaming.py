"""Per-token work during ``generate``: incremental detokenisation, stop strings, cancellation.

It runs as a ``StoppingCriteria`` because that is called once per generated token, on the thread
that generates, for every row of the batch: the place to emit deltas, to end one row at a stop
string or end-of-turn token, and to end them all when the request is cancelled."""

from __future__ import annotations

from collections.abc import Callable

import torch
from transformers import StoppingCriteria


class ChoiceStream:
    """One choice: its tokens, decoded text, what has been sent, and why it ended."""

    def __init__(self, index: int, tokenizer, stops: list[str]):
        self.index = index
        self.tok = tokenizer
        self.stops = [s for s in stops if s]
        self.tokens: list[int] = []
        self.text = ""
        self.sent = 0  # characters of self.text already sent as deltas
        self.finish: str | None = None
        self.completion_tokens = 0
        self._prefix = 0  # detokenisation window (as in TGI / vLLM): decode only the recent tokens
        self._read = 0

    def _decode_new(self) -> str:
        prefix = self.tok.decode(self.tokens[self._prefix:self._read], skip_special_tokens=True)
        full = self.tok.decode(self.tokens[self._prefix:], skip_special_tokens=True)
        if len(full) > len(prefix) and not full.endswith("\ufffd"):  # \ufffd: half a UTF-8 character so far
            self._prefix, self._read = self._read, len(self.tokens)
            return full[len(prefix):]
        return ""

    def push(self, token: int, is_eos: bool) -> str:
        """Add one generated token; return the text that may be sent now."""
        if is_eos:
            self.finish = "stop"
            return self.flush()
        self.tokens.append(token)
        self.completion_tokens += 1
        self.text += self._decode_new()
        if not self.stops:
            return self.flush()
        # A stop string may straddle deltas: search from just before what was already sent.
        start = max(0, self.sent - max(len(s) for s in self.stops) + 1)
        hits = [i for i in (self.text.find(s, start) for s in self.stops) if i >= 0]
        if hits:
            self.text = self.text[:min(hits)]
            self.finish = "stop"
            return self.flush()
        # Hold back a tail that could still become a stop string.
        hold = 0
        for s in self.stops:
            for k in range(min(len(s) - 1, len(self.text)), 0, -1):
                if self.text.endswith(s[:k]):
                    hold = max(hold, k)
                    break
        end = len(self.text) - hold
        if end <= self.sent:
            return ""
        out, self.sent = self.text[self.sent:end], end
        return out

    def flush(self) -> str:
        out, self.sent = self.text[self.sent:], len(self.text)
        return out


class StreamCriteria(StoppingCriteria):
    def __init__(self, choices: list[ChoiceStream], prompt_len: int, max_tokens: int, eos_ids: set[int],
                 on_delta: Callable[[int, str], None], cancelled: Callable[[], bool]):
        self.choices = choices
        self.prompt_len = prompt_len
        self.max_tokens = max_tokens
        self.eos_ids = eos_ids
        self.on_delta = on_delta
        self.cancelled = cancelled

    def __call__(self, input_ids: torch.LongTensor, scores, **kwargs) -> torch.BoolTensor:
        last = input_ids[:, -1].tolist()
        n_new = input_ids.shape[1] - self.prompt_len
        for c, token in zip(self.choices, last, strict=True):
            if c.finish is not None:
                continue
            text = c.push(token, token in self.eos_ids)
            if c.finish is None and n_new >= self.max_tokens:
                c.finish = "length"
                text += c.flush()
            if text:
                self.on_delta(c.index, text)
        if self.cancelled():
            for c in self.choices:
                if c.finish is None:
                    c.finish = "cancelled"
        return torch.tensor([c.finish is not None for c in self.choices], dtype=torch.bool, device=input_ids.device)
