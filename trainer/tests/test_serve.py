"""The inference worker (``python -m hone_trainer serve``) as the core drives it: a real subprocess,
JSON lines on its stdin/stdout, hone-tiny-llama with a fresh and a trained LoRA adapter."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time

import pytest
from conftest import MEMO, SYSTEM, chat_line, new_job, write_jsonl

QUESTION = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": MEMO[0][0]}]
GREEDY = {"temperature": 0, "top_p": 1, "stop": [], "seed": None, "n": 1}


class Worker:
    """The worker process; every stdout line must be a protocol JSON object."""

    def __init__(self, models_dir: str, model: str = "hone-tiny-llama"):
        env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hone_trainer", "serve", "--model", model, "--models-dir", models_dir,
             "--device", "cpu"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env)
        self.lines: queue.Queue = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()
        self._n = 0

    @staticmethod
    def _pump(stream, q):
        for line in stream:
            q.put(line)
        q.put(None)

    def next(self, timeout=120) -> dict:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            pytest.fail("the worker did not answer in time:\n" + "".join(self.stderr)[-3000:])
        if line is None:
            pytest.fail(f"the worker exited ({self.proc.wait()}):\n" + "".join(self.stderr)[-3000:])
        return json.loads(line)  # anything else on stdout breaks the core's parser

    def send(self, op: str, **fields) -> str:
        self._n += 1
        rid = fields.pop("id", f"r{self._n}")
        self.proc.stdin.write(json.dumps({"id": rid, "op": op, **fields}) + "\n")
        self.proc.stdin.flush()
        return rid

    def until_end(self, rid: str) -> list[dict]:
        """The events of ``rid`` up to its final one (done, ok or error)."""
        out = []
        while True:
            e = self.next()
            if e.get("id") != rid:
                continue
            out.append(e)
            if e["event"] in ("done", "ok", "error"):
                return out

    def call(self, op: str, **fields) -> list[dict]:
        return self.until_end(self.send(op, **fields))

    def close(self):
        if self.proc.poll() is None:
            self.send("shutdown")
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def texts(events: list[dict]) -> dict[int, str]:
    out: dict[int, str] = {}
    for e in events:
        if e["event"] == "delta":
            out[e["index"]] = out.get(e["index"], "") + e["text"]
    return out


def answer(w: Worker, adapter, messages=QUESTION, max_tokens=24, **sampling) -> tuple[str, dict]:
    events = w.call("generate", adapter=adapter, messages=messages, max_tokens=max_tokens, **{**GREEDY, **sampling})
    assert events[0]["event"] == "start", events
    assert events[-1]["event"] == "done", events
    return texts(events).get(0, ""), events[-1]


@pytest.fixture(scope="module")
def trained_adapter(tmp_path_factory, models_dir) -> str:
    """One adapter per module, trained as test_train_sft proves memorisation (30 epochs of MEMO)."""
    root = tmp_path_factory.mktemp("serve-train")
    train = write_jsonl(root / "train.jsonl", [chat_line(q, a) for q, a in MEMO])
    job = new_job(root, models_dir, train, "memo",
                  hyperparameters={"n_epochs": 30, "batch_size": 3, "learning_rate_multiplier": 25})
    assert job.run() == 0, job.console
    return job.of("completed")[0]["adapter_path"]


@pytest.fixture(scope="module")
def fresh_adapter(tmp_path_factory, tiny_dir) -> str:
    """A LoRA adapter as get_peft_model initialises it (lora_B = 0): the base function exactly."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    out = tmp_path_factory.mktemp("fresh") / "adapter"
    torch.manual_seed(0)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(tiny_dir),
                           LoraConfig(r=8, lora_alpha=16, target_modules="all-linear", task_type="CAUSAL_LM"))
    model.save_pretrained(out)
    return str(out)


@pytest.fixture(scope="module")
def worker(models_dir, trained_adapter, fresh_adapter):
    w = Worker(models_dir)
    ready = w.next()
    assert ready["event"] == "ready", ready
    w.ready = ready
    for name, path in [("ft:hone-tiny-llama:memo", trained_adapter), ("ft:hone-tiny-llama:fresh.v1", fresh_adapter)]:
        assert w.call("load_adapter", name=name, path=path)[-1]["event"] == "ok"
    yield w
    w.close()
    assert w.proc.returncode == 0, "".join(w.stderr)[-3000:]


TRAINED, FRESH = "ft:hone-tiny-llama:memo", "ft:hone-tiny-llama:fresh.v1"


def test_ready_event_and_usage_counts(worker, tiny_dir, tiny_tokenizer):
    r = worker.ready
    assert r["model"] == "hone-tiny-llama" and r["device"] == "cpu" and r["dtype"] == "float32"
    assert r["chat_template"] is True and r["load_s"] > 0 and r["model_path"] == tiny_dir
    assert r["eos_token_ids"] == [tiny_tokenizer.eos_token_id] and r["context_length"] == 1024

    rendered = tiny_tokenizer.apply_chat_template(QUESTION, add_generation_prompt=True, return_dict=True)
    expected = len(rendered["input_ids"])
    assert worker.call("tokenize", messages=QUESTION)[-1]["prompt_tokens"] == expected
    # OpenAI content parts count as their text; tools go through the template (it lists them)
    parts = [QUESTION[0], {"role": "user", "content": [{"type": "text", "text": MEMO[0][0]}]}]
    assert worker.call("tokenize", messages=parts)[-1]["prompt_tokens"] == expected
    tools = [{"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}]
    with_tools = tiny_tokenizer.apply_chat_template(QUESTION, tools=tools, add_generation_prompt=True, return_dict=True)
    assert worker.call("tokenize", messages=QUESTION, tools=tools)[-1]["prompt_tokens"] \
        == len(with_tools["input_ids"]) > expected
    text, done = answer(worker, TRAINED)
    assert done["prompt_tokens"] == expected
    # the memorised answer is the tokenizer's own encoding of it, then the end-of-turn token
    assert done["completion_tokens"] == len(tiny_tokenizer(text)["input_ids"])
    assert done["choices"][0]["completion_tokens"] == done["completion_tokens"]


def test_fresh_adapter_answers_exactly_like_the_base(worker):
    base_text, base_done = answer(worker, None, max_tokens=16)
    fresh_text, fresh_done = answer(worker, FRESH, max_tokens=16)
    assert fresh_text == base_text and {**fresh_done, "id": None} == {**base_done, "id": None}
    # sampled too: the same logits draw the same tokens from the same seed
    sampled = {a: answer(worker, a, temperature=1.0, seed=11, max_tokens=16)[0] for a in (None, FRESH)}
    assert sampled[None] == sampled[FRESH] and sampled[None] != base_text


def test_trained_adapter_reproduces_a_training_answer(worker):
    for q, a in MEMO[:2]:
        msgs = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": q}]
        text, done = answer(worker, TRAINED, messages=msgs)
        assert text == a and done["choices"][0]["finish_reason"] == "stop"  # ended by its end-of-turn token
        assert answer(worker, None, messages=msgs)[0] != a  # the random base does not say it


def test_compare_batch_equals_the_solo_answers(worker):
    solo = [answer(worker, a)[0] for a in (None, TRAINED, FRESH)]
    events = worker.call("compare", adapters=[None, TRAINED, FRESH], messages=QUESTION, max_tokens=24, **GREEDY)
    assert events[0]["event"] == "start" and events[-1]["event"] == "done", events
    got = texts(events)
    assert [got.get(i, "") for i in range(3)] == solo
    assert solo[1] == MEMO[0][1] and solo[0] != solo[1]
    assert [c["index"] for c in events[-1]["choices"]] == [0, 1, 2]
    assert [c["finish_reason"] for c in events[-1]["choices"]][1] == "stop"


def test_stop_strings_cut_the_answer(worker):
    text, done = answer(worker, TRAINED, stop=["capital"])
    assert text == "Paris is the " and done["choices"][0]["finish_reason"] == "stop"
    # a stop string across token boundaries, and one that never appears
    text, done = answer(worker, TRAINED, stop=["zzz", "s the cap"])
    assert text == "Paris i" and done["choices"][0]["finish_reason"] == "stop"
    text, done = answer(worker, TRAINED, stop=["zzz"], max_tokens=3)
    assert MEMO[0][1].startswith(text) and done["choices"][0]["finish_reason"] == "length"
    assert done["completion_tokens"] == 3


def test_seed_makes_sampling_deterministic(worker):
    sampling = {"temperature": 1.0, "top_p": 0.95, "n": 2, "max_tokens": 12}
    first = worker.call("generate", adapter=TRAINED, messages=QUESTION, stop=[], seed=5, **sampling)
    again = worker.call("generate", adapter=TRAINED, messages=QUESTION, stop=[], seed=5, **sampling)
    other = worker.call("generate", adapter=None, messages=QUESTION, stop=[], seed=6, **sampling)
    strip = [[{k: v for k, v in e.items() if k != "id"} for e in ev] for ev in (first, again)]
    assert strip[0] == strip[1]  # event for event
    assert len(first[-1]["choices"]) == 2 and set(texts(first)) == {0, 1}
    assert texts(other) != texts(first)


def test_cancel_stops_generation_within_a_token(worker):
    # greedy on the random base never emits end-of-turn: it would run to max_tokens
    rid = worker.send("generate", adapter=None, messages=QUESTION, max_tokens=900, **GREEDY)
    deltas = 0
    while deltas < 3:
        e = worker.next()
        deltas += e.get("id") == rid and e["event"] == "delta"
    t0 = time.monotonic()
    cancel = worker.send("cancel", target=rid)
    events = []
    while not events or events[-1]["event"] != "done":
        e = worker.next()
        if e["id"] == cancel:
            assert e["event"] == "ok"
        elif e["id"] == rid:
            events.append(e)
    waited = time.monotonic() - t0
    done = events[-1]
    assert done["choices"][0]["finish_reason"] == "cancelled"
    assert done["completion_tokens"] < 300 and waited < 5, (done, waited)
    assert answer(worker, TRAINED)[0] == MEMO[0][1]  # and it carries on


def test_a_bad_request_is_an_error_and_the_worker_survives(worker, fresh_adapter, tmp_path):
    err = worker.call("generate", adapter="ft:not-loaded", messages=QUESTION, max_tokens=4, **GREEDY)
    assert [e["event"] for e in err] == ["error"] and err[0]["code"] == "adapter_not_found"
    broken = [{"role": "user", "content": {"not": "text"}}]  # the template concatenates strings
    err = worker.call("generate", adapter=None, messages=broken, max_tokens=4, **GREEDY)
    assert err[-1]["event"] == "error" and err[-1]["code"] == "template_error"
    image = [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}]
    err = worker.call("generate", adapter=None, messages=image, max_tokens=4, **GREEDY)
    assert err[-1]["code"] == "invalid_request" and "messages[0].content" in err[-1]["message"]
    err = worker.call("generate", adapter=None, messages=QUESTION, max_tokens=0, **GREEDY)
    assert err[-1]["code"] == "invalid_request" and "max_tokens" in err[-1]["message"]
    assert worker.call("load_adapter", name="ft:x", path=str(tmp_path))[-1]["code"] == "adapter_not_found"
    # an adapter of another base model is refused
    other = tmp_path / "other"
    other.mkdir()
    with open(os.path.join(fresh_adapter, "adapter_config.json")) as fh:
        cfg = json.load(fh)
    (other / "adapter_config.json").write_text(json.dumps({**cfg, "base_model_name_or_path": "org/other-model"}))
    assert worker.call("load_adapter", name="ft:y", path=str(other))[-1]["code"] == "adapter_base_mismatch"
    worker.proc.stdin.write("not json\n")
    worker.proc.stdin.flush()
    e = worker.next()
    assert e["id"] is None and e["event"] == "error"
    assert worker.call("frobnicate")[-1]["code"] == "unknown_op"
    # still serving, adapters intact
    assert answer(worker, TRAINED)[0] == MEMO[0][1]


def test_unload_adapter_and_shutdown(models_dir, fresh_adapter):
    w = Worker(models_dir)
    try:
        assert w.next()["event"] == "ready"
        base = answer(w, None, max_tokens=6)[0]
        assert w.call("load_adapter", name=FRESH, path=fresh_adapter)[-1]["adapters"] == [FRESH]
        assert w.call("load_adapter", name=FRESH, path=fresh_adapter)[-1]["event"] == "ok"  # idempotent
        assert w.call("unload_adapter", name=FRESH)[-1]["adapters"] == []
        assert w.call("generate", adapter=FRESH, messages=QUESTION, max_tokens=6, **GREEDY)[-1]["code"] \
            == "adapter_not_found"
        assert answer(w, None, max_tokens=6)[0] == base  # the plain base again
        # shutdown during a long generation: it is cancelled, the worker exits at once
        # (and one queued behind it does not run either)
        rid = w.send("generate", adapter=None, messages=QUESTION, max_tokens=900, **GREEDY)
        queued = w.send("generate", adapter=None, messages=QUESTION, max_tokens=900, **GREEDY)
        assert w.next()["id"] == rid
        t0 = time.monotonic()
        w.send("shutdown")
        assert w.proc.wait(timeout=10) == 0 and time.monotonic() - t0 < 5
        rest = []
        while (e := w.lines.get(timeout=5)) is not None:
            rest.append(json.loads(e))
        done = {e["id"]: e for e in rest if e["event"] == "done"}
        assert done[rid]["choices"][0]["finish_reason"] == done[queued]["choices"][0]["finish_reason"] == "cancelled"
        assert done[queued]["completion_tokens"] == 0
    finally:
        w.close()
