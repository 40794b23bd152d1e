"""Tokenise chat examples with the model's chat template and build label masks.

The loss covers exactly the assistant turns whose ``weight`` is not 0, including their end-of-turn
token; system, user and tool turns are -100. Two ways to find an assistant turn's tokens:

1. ``{% generation %}`` markers (our built-in templates; TRL's training templates for known
   families): ``return_assistant_tokens_mask`` gives one contiguous span per assistant message.
2. Otherwise, prefix rendering: the tokens between ``render(messages[:i], add_generation_prompt)``
   and ``render(messages[:i+1])`` are message i, cut just after its end-of-turn token. This needs a
   prefix-preserving template and is checked, so a template that breaks it fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass

IGNORE = -100


class TemplateError(ValueError):
    pass


def _has_markers(template: str | None) -> bool:
    return bool(template) and "generation" in template and "endgeneration" in template


def training_chat_template(tokenizer) -> tuple[str, str]:
    """Pick the template to train with; returns (template, mode) with mode 'markers' or 'prefix'."""
    tpl = tokenizer.chat_template
    if isinstance(tpl, dict):
        tpl = tpl.get("default")
    if not tpl:
        raise TemplateError("the tokenizer has no chat template; use a chat/instruct model")
    if _has_markers(tpl):
        return tpl, "markers"
    try:
        from trl.chat_template_utils import get_training_chat_template

        patched = get_training_chat_template(tokenizer)
        if patched and _has_markers(patched):
            return patched, "markers"
    except Exception:  # noqa: BLE001 - unknown family: fall back to prefix rendering
        pass
    return tpl, "prefix"


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]
    truncated: bool
    n_trained: int


class ChatEncoder:
    def __init__(self, tokenizer, max_length: int):
        self.tok = tokenizer
        self.max_length = max_length
        self.template, self.mode = training_chat_template(tokenizer)
        eos = tokenizer.eos_token_id
        self.eos_ids = set(eos if isinstance(eos, list) else [eos]) - {None}

    def _render(self, messages, tools, **kw) -> list[int]:
        out = self.tok.apply_chat_template(messages, tools=tools, chat_template=self.template,
                                           tokenize=True, return_dict=True, **kw)
        return out

    def spans(self, messages: list[dict], tools) -> tuple[list[int], list[tuple[int, int]]]:
        """Token ids of the whole conversation and one (start, end) span per assistant message."""
        n_assistant = sum(m["role"] == "assistant" for m in messages)
        if self.mode == "markers":
            out = self._render(messages, tools, return_assistant_tokens_mask=True)
            ids, mask = list(out["input_ids"]), list(out["assistant_masks"])
            spans, start = [], None
            for i, m in enumerate([*mask, 0]):
                if m and start is None:
                    start = i
                elif not m and start is not None:
                    spans.append((start, i))
                    start = None
            if len(spans) != n_assistant:
                raise TemplateError(
                    f"chat template produced {len(spans)} generation spans for {n_assistant} assistant messages")
            return ids, spans
        ids = list(self._render(messages, tools)["input_ids"])
        spans = []
        for i, m in enumerate(messages):
            if m["role"] != "assistant":
                continue
            before = list(self._render(messages[:i], tools, add_generation_prompt=True)["input_ids"]) if i else []
            upto = list(self._render(messages[: i + 1], tools)["input_ids"])
            if ids[: len(upto)] != upto or upto[: len(before)] != before:
                raise TemplateError("the chat template is not prefix-preserving, so assistant turns cannot be "
                                    "located; use a model whose template has {% generation %} markers")
            end = len(upto)
            for j in range(len(before), len(upto)):  # stop right after the end-of-turn token
                if upto[j] in self.eos_ids:
                    end = j + 1
                    break
            spans.append((len(before), end))
        return ids, spans

    def encode(self, messages: list[dict], trained: list[bool], tools=None) -> Encoded:
        ids, spans = self.spans(messages, tools)
        labels = [IGNORE] * len(ids)
        assistant_flags = [t for m, t in zip(messages, trained, strict=False) if m["role"] == "assistant"]
        for (s, e), on in zip(spans, assistant_flags, strict=False):  # truncation can drop trailing spans
            if on:
                labels[s:e] = ids[s:e]
        truncated = len(ids) > self.max_length
        if truncated:  # keep the start, as OpenAI and TRL do
            ids, labels = ids[: self.max_length], labels[: self.max_length]
        n_trained = sum(1 for x in labels[1:] if x != IGNORE)  # the first token is never predicted
        return Encoded(ids, labels, truncated, n_trained)
