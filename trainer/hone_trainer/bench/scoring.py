"""Deterministic answer scorers (SQuAD-style normalisation): exact, contains, token F1."""

from __future__ import annotations

import re
import string
from collections import Counter

_PUNCT = str.maketrans(dict.fromkeys(string.punctuation, " "))


def normalize(text: str) -> str:
    text = text.lower().translate(_PUNCT)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact(prediction: str, gold: str) -> float:
    return float(normalize(prediction) == normalize(gold))


def contains(prediction: str, gold: str) -> float:
    """Gold appears as a whole-word sequence in the prediction (so 48 does not match 4817)."""
    p, g = normalize(prediction).split(), normalize(gold).split()
    if not g:
        return 0.0
    return float(any(p[i:i + len(g)] == g for i in range(len(p) - len(g) + 1)))


def token_f1(prediction: str, gold: str) -> float:
    p, g = normalize(prediction).split(), normalize(gold).split()
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def score_all(prediction: str, gold: str) -> dict[str, float]:
    return {"exact": exact(prediction, gold), "contains": contains(prediction, gold), "f1": token_f1(prediction, gold)}
