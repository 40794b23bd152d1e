"""RAG needle-in-a-haystack: haystacks from Hone's own filler text, a needle fact with a random value
per test, near-miss distractor facts, and two grids:

* context mode: context length (prompt tokens) x needle depth, one long document;
* chunks mode: number of retrieved chunks x position of the needle chunk, with distractor chunks.

The model under test answers through its chat template (greedy); every answer gets the
deterministic scores, and a GEval Correctness score when a judge is configured."""

from __future__ import annotations

import json
import os
import random
import re
import time
from dataclasses import dataclass

from hone_trainer.bench.scoring import score_all
from hone_trainer.bench.spec import NeedleSuite

SUITE_VERSION = "needle-1"
SYSTEM = "You answer questions about the documents the user gives you. Reply with the answer only."


@dataclass
class NeedleCase:
    fact: str
    question: str
    answer: str
    distractors: list[str]


class Haystack:
    def __init__(self, resources_dir: str, seed: int):
        base = os.path.join(resources_dir, "needle")
        with open(os.path.join(base, "filler.txt"), encoding="utf-8") as fh:
            paragraphs = [p.strip() for p in fh.read().split("\n\n") if p.strip()]
        with open(os.path.join(base, "needles.json"), encoding="utf-8") as fh:
            self.needles = json.load(fh)
        self.paragraphs = [re.split(r"(?<=[.!?])\s+", " ".join(p.split())) for p in paragraphs]
        self.seed = seed

    def _value(self, kind: str, rng: random.Random) -> str:
        if kind == "number4":
            return str(rng.randint(1000, 9999))
        if kind == "number2":
            return str(rng.randint(10, 99))
        return rng.choice(self.needles["words"])

    def case(self, rng: random.Random) -> NeedleCase:
        spec = rng.choice(self.needles["needles"])
        value = self._value(spec["value"], rng)
        others: list[str] = []
        while len(others) < len(spec["distractors"]):
            v = self._value(spec["value"], rng)
            if v != value and v not in others:
                others.append(v)
        return NeedleCase(fact=spec["fact"].format(value=value), question=spec["question"], answer=value,
                          distractors=[d.format(value=v) for d, v in zip(spec["distractors"], others, strict=True)])

    def sentences(self, rng: random.Random):
        """Endless filler sentences: whole paragraphs in a seeded shuffled order, reshuffled each pass."""
        while True:
            order = list(range(len(self.paragraphs)))
            rng.shuffle(order)
            for i in order:
                yield from self.paragraphs[i]


class PromptBuilder:
    def __init__(self, tokenizer):
        self.tok = tokenizer

    def render(self, context: str, question: str) -> str:
        user = f"{context}\n\nUsing only the documents above, answer the question.\nQuestion: {question}"
        if getattr(self.tok, "chat_template", None):
            return self.tok.apply_chat_template(
                [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
                tokenize=False, add_generation_prompt=True)
        return f"{SYSTEM}\n\n{user}\nAnswer:"

    def n_tokens(self, text: str) -> int:
        return len(self.tok(text, add_special_tokens=False)["input_ids"])


def _fill(sentences, budget: int, count) -> list[str]:
    out, used = [], 0
    for s in sentences:
        n = count(s) + 1
        if used + n > budget:
            break
        out.append(s)
        used += n
    return out


def build_context(hay: Haystack, pb: PromptBuilder, rng, case: NeedleCase, length: int, depth: float) -> str:
    """One document of filler whose full prompt is about ``length`` tokens, needle at ``depth``
    (snapped to a sentence boundary, as in the classic test)."""
    overhead = pb.n_tokens(pb.render("", case.question)) + pb.n_tokens(case.fact) + 2
    body = _fill(hay.sentences(rng), max(0, length - overhead), pb.n_tokens)
    at = round(depth * len(body))
    return " ".join([*body[:at], case.fact, *body[at:]])


def build_chunks(hay: Haystack, pb: PromptBuilder, rng, case: NeedleCase, n_chunks: int, depth: float,
                 chunk_tokens: int, n_distractors: int) -> tuple[str, int]:
    """``n_chunks`` retrieved passages; the needle sits in chunk round(depth*(n-1)), distractor facts
    in up to ``n_distractors`` other chunks."""
    filler = hay.sentences(rng)
    chunks = [_fill(filler, chunk_tokens, pb.n_tokens) for _ in range(n_chunks)]
    needle_at = round(depth * (n_chunks - 1))
    others = [i for i in range(n_chunks) if i != needle_at]
    k = min(n_distractors, len(others), len(case.distractors))
    for i, fact in zip(rng.sample(others, k), case.distractors[:k], strict=True):
        chunks[i].insert(rng.randint(0, len(chunks[i])), fact)
    chunks[needle_at].insert(rng.randint(0, len(chunks[needle_at])), case.fact)
    text = "\n\n".join(f"[Document {i + 1}]\n" + " ".join(c) for i, c in enumerate(chunks))
    return text, k


class NeedleModel:
    """The model under test, loaded once (base weights plus an optional PEFT adapter)."""

    def __init__(self, model_dir: str, adapter_path: str | None, device: str):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.tok = AutoTokenizer.from_pretrained(model_dir)
        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=dtype)
        if adapter_path:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, adapter_path)
        self.model = model.to(device).eval()
        self.device = device
        cfg = model.config
        self.max_positions = int(getattr(cfg, "max_position_embeddings", 0) or self.tok.model_max_length)

    def answer(self, prompt: str, max_new_tokens: int) -> str:
        enc = self.tok(prompt, return_tensors="pt", add_special_tokens=False).to(self.device)
        pad = self.tok.pad_token_id if self.tok.pad_token_id is not None else self.tok.eos_token_id
        with self.torch.no_grad():
            out = self.model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad)
        return self.tok.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True).strip()


def grid(suite: NeedleSuite) -> list[tuple[str, int, float]]:
    cells = [("context", L, d) for L in suite.context_lengths for d in suite.depths]
    cells += [("chunks", n, d) for n in suite.chunk_counts for d in suite.depths]
    return cells


def run_needle(model: NeedleModel, suite: NeedleSuite, resources_dir: str, judge, progress, warn) -> dict:
    """Runs the whole grid; ``judge`` is a GEvalJudge or None. Returns rows and aggregate metrics."""
    hay = Haystack(resources_dir, suite.seed)
    pb = PromptBuilder(model.tok)
    cells = grid(suite)
    rows, judge_error, skipped = [], None, 0
    for i, (mode, x, depth) in enumerate(cells, 1):
        # Seeded per cell, so base and fine-tuned models see exactly the same haystacks.
        rng = random.Random(f"{suite.seed}:{mode}:{x}:{depth}")
        case = hay.case(rng)
        if mode == "context":
            context, k = build_context(hay, pb, rng, case, x, depth), 0
        else:
            context, k = build_chunks(hay, pb, rng, case, x, depth, suite.chunk_tokens, suite.distractors)
        prompt = pb.render(context, case.question)
        n_prompt = pb.n_tokens(prompt)
        if n_prompt + suite.max_new_tokens > model.max_positions:
            skipped += 1
            warn(f"needle: skipped {mode}={x} depth={depth}: {n_prompt} prompt tokens + {suite.max_new_tokens} "
                 f"exceed the model's {model.max_positions} positions", "needle_cell_skipped")
            continue
        t0 = time.time()
        response = model.answer(prompt, suite.max_new_tokens)
        row = {"mode": mode, "context_length": x if mode == "context" else None,
               "chunks": x if mode == "chunks" else None, "depth": depth, "distractors": k,
               "prompt_tokens": n_prompt, "question": case.question, "answer": case.answer,
               "response": response, **score_all(response, case.answer), "judge_score": None,
               "judge_reason": None, "seconds": round(time.time() - t0, 3)}
        if judge is not None and judge_error is None:
            try:
                row["judge_score"], row["judge_reason"] = judge.score(case.question, response, case.fact)
            except Exception as e:  # noqa: BLE001 - a broken judge must not lose the grid
                judge_error = str(e)
                warn(f"needle: judge disabled for the rest of the run, deterministic scores only: {e}",
                     "judge_error")
        row["score"] = row["judge_score"] if row["judge_score"] is not None else row["contains"]
        rows.append(row)
        progress(i, len(cells), f"{mode}={x} depth={depth:g} score={row['score']:.2f}")
    if not rows:
        raise RuntimeError("needle: every grid cell was skipped (contexts longer than the model allows)")
    judged = judge is not None and judge_error is None
    return {"rows": rows, "metrics": aggregate(rows, judged), "scorer": "geval" if judged else "contains",
            "judge_error": judge_error, "skipped_cells": skipped}


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def aggregate(rows: list[dict], judged: bool) -> dict[str, float]:
    m: dict[str, float | None] = {
        "needle/score": _mean(r["score"] for r in rows),
        "needle/exact": _mean(r["exact"] for r in rows),
        "needle/contains": _mean(r["contains"] for r in rows),
        "needle/f1": _mean(r["f1"] for r in rows),
    }
    if judged:
        m["needle/geval_correctness"] = _mean(r["judge_score"] for r in rows)
    for key, mode in (("context_length", "context"), ("chunks", "chunks")):
        for x in sorted({r[key] for r in rows if r["mode"] == mode}):
            m[f"needle/{mode}_{x}/score"] = _mean(r["score"] for r in rows if r[key] == x)
    return {k: v for k, v in m.items() if v is not None}
