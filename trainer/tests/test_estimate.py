"""``estimate`` says what ``train`` then does: the same steps, resolved hyperparameters, example
counts and trained tokens, for supervised and DPO jobs (real runs on hone-tiny-llama)."""

import json
import subprocess
import sys

import pytest
from conftest import MEMO, SYSTEM, chat_line, write_jsonl

from hone_trainer.estimate import ModelShape, estimate, memory_estimate, spec_from_dict, total_steps
from hone_trainer.spec import SpecError

LONG = "and so on " * 60


def _matches_the_run(job, est):
    assert job.run_inprocess() == 0
    started, done = job.of("started")[0], job.of("completed")[0]
    assert est["hyperparameters"] == started["hyperparameters"]
    assert est["total_steps"] == started["total_steps"] == done["step"]
    assert est["n_examples"] == started["n_examples"]
    assert (est["n_validation_examples"] or 0) == started["n_validation_examples"]
    assert est["trained_tokens"] == done["trained_tokens"]
    return job.of("warning")


def test_supervised_estimate_is_what_train_does(make_job, tmp_path):
    rows = [chat_line(q, a) for q, a in MEMO] * 3
    rows.append(chat_line("Say something long.", f"Here: {LONG}"))  # truncated, still trained
    rows.append(chat_line(f"Read: {LONG}", "Done."))  # truncated before the answer: skipped
    rows.append({"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Hi"},
                              {"role": "assistant", "content": "Hello.", "weight": 0}]})  # nothing to train: skipped
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    valid = write_jsonl(tmp_path / "valid.jsonl", [chat_line(q, a) for q, a in MEMO])
    # 10 kept examples, batch 3, accumulation 2: 4 batches → 2 steps per epoch (the last one short).
    job = make_job(train, validation_file=str(valid),
                   hyperparameters={"n_epochs": 2, "batch_size": 3, "gradient_accumulation_steps": 2,
                                    "max_seq_length": 64, "qlora": True})
    est = estimate(spec_from_dict(job.spec))
    assert est["n_examples"] == 10 and est["n_validation_examples"] == 3 and est["truncated_examples"] == 2
    assert est["total_steps"] == 4
    assert est["hyperparameters"]["qlora"] is False  # no CUDA here: train falls back to LoRA, and says so
    assert any("QLoRA" in w for w in est["warnings"])
    assert est["device"] == {"kind": "cpu", "world_size": 1}
    mem = est["memory"]
    assert 0 < mem["trainable_parameters"] < mem["parameters"]
    assert mem["required_mib"] == pytest.approx(sum(mem[k] for k in (
        "weights_mib", "gradients_mib", "optimizer_mib", "activations_mib", "overhead_mib")), abs=0.5)

    warnings = _matches_the_run(job, est)
    assert [w["message"] for w in warnings if w["code"] == "truncated"] == [
        "2 of 12 training examples are longer than max_seq_length=64 tokens and were truncated"]
    assert est["warnings"][0] == ("2 of 12 training examples are longer than max_seq_length=64 tokens and "
                                  "will be truncated")


def test_dpo_estimate_is_what_train_does(make_job, tmp_path):
    def pair(q, good, bad):
        return {"input": {"messages": [{"role": "user", "content": q}]},
                "preferred_output": [{"role": "assistant", "content": good}],
                "non_preferred_output": [{"role": "assistant", "content": bad}]}

    rows = [pair(q, a, "No idea.") for q, a in MEMO]
    rows.append(pair("Long?", f"Yes: {LONG}", "No."))  # the chosen answer is cut at max_seq_length
    rows.append(pair(f"Read: {LONG}", "Done.", "No."))  # the prompt alone fills max_seq_length: TRL drops it
    train = write_jsonl(tmp_path / "prefs.jsonl", rows)
    job = make_job(train, method="dpo", hyperparameters={"n_epochs": 1, "batch_size": 2, "max_seq_length": 48})
    est = estimate(spec_from_dict(job.spec))
    assert est["method"] == "dpo" and est["hyperparameters"]["beta"] == 0.1
    assert est["n_examples"] == 5 and est["total_steps"] == 2 and est["truncated_examples"] == 2
    _matches_the_run(job, est)


def test_total_steps_follow_the_trainer():
    hp = {"n_epochs": 3, "batch_size": 4, "gradient_accumulation_steps": 1}
    assert total_steps(10, hp, 1) == 9  # ceil(10 / 4) per epoch
    assert total_steps(10, {**hp, "gradient_accumulation_steps": 2}, 1) == 6  # 3 batches → 2 steps
    assert total_steps(10, {**hp, "gradient_accumulation_steps": 8}, 1) == 3  # at least one step per epoch
    assert total_steps(10, hp, 2) == 6  # two ranks: ceil(10 / 8) batches each


def test_memory_model_orders_full_lora_and_qlora():
    # An 8B-like Llama: 32 layers, hidden 4096, vocab 128k.
    shape = ModelShape(params=8_030_000_000, linear_params=6_980_000_000, lora_params={16: 42_000_000},
                       hidden=4096, layers=32, heads=32, vocab=128_256, max_positions=131_072)
    base = {"full_finetune": False, "qlora": False, "lora_r": 16}
    lora = memory_estimate(shape, base, True, 1024, 1)
    qlora = memory_estimate(shape, {**base, "qlora": True}, True, 1024, 1)
    full = memory_estimate(shape, {**base, "full_finetune": True}, True, 1024, 1)
    assert qlora["required_mib"] < lora["required_mib"] < full["required_mib"]
    assert lora["weights_mib"] == pytest.approx(8_030_000_000 * 2 / 2**20, rel=1e-3)  # bf16
    assert 4_000 < qlora["weights_mib"] < 6_000  # about 5 GB in 4-bit
    assert full["optimizer_mib"] == pytest.approx(2 * full["weights_mib"], rel=1e-3)  # AdamW moments in bf16
    cpu = memory_estimate(shape, base, False, 1024, 1)
    assert cpu["weights_mib"] == pytest.approx(2 * lora["weights_mib"], rel=1e-3)  # fp32 on the CPU
    longer = memory_estimate(shape, base, True, 4096, 1)
    assert longer["activations_mib"] > 3 * lora["activations_mib"]


def test_bad_specs_and_the_serve_protocol(make_job, memo_file, models_dir):
    with pytest.raises(SpecError) as e:
        spec_from_dict({"version": 1, "model": "hone-tiny-llama", "models_dir": models_dir,
                        "training_file": "/nonexistent.jsonl"})
    assert e.value.code == "file_not_found"
    spec = make_job(memo_file).spec
    lines = [json.dumps({"id": 1, "spec": spec}),
             json.dumps({"id": 2, "spec": {**spec, "model": "nobody/no-such-model"}}),
             json.dumps({"id": 3, "spec": {**spec, "method": "dpo"}}),
             json.dumps({"id": 4, "spec": spec})]
    proc = subprocess.run([sys.executable, "-m", "hone_trainer", "estimate", "--serve"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    replies = [json.loads(x) for x in proc.stdout.splitlines()]  # nothing but JSON lines on stdout
    assert [r["id"] for r in replies] == [1, 2, 3, 4]
    assert replies[0]["result"]["total_steps"] == 6 and replies[3]["result"] == replies[0]["result"]
    assert replies[1]["error"]["code"] == "model_not_found"
    assert replies[2]["error"]["code"] == "invalid_training_file"
