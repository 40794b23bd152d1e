import csv
import json
import subprocess

from conftest import MEMO, SYSTEM, assert_events_valid

from hone_trainer.results import COLUMNS


def greedy(model, tok, question):
    x = tok.apply_chat_template([{"role": "system", "content": SYSTEM}, {"role": "user", "content": question}],
                                add_generation_prompt=True, return_tensors="pt", return_dict=True)
    out = model.generate(**x, max_new_tokens=24, do_sample=False)
    return tok.decode(out[0][x["input_ids"].shape[1]:], skip_special_tokens=True)


def test_memorises_and_reproduces_a_training_answer(make_job, memo_file, tiny_dir, tmp_path):
    job = make_job(memo_file, hyperparameters={"n_epochs": 30, "batch_size": 3, "learning_rate_multiplier": 25},
                   checkpoint={"every_seconds": 600, "keep": 2})
    assert job.run() == 0, job.console
    events = assert_events_valid(job)
    types = [e["type"] for e in events]
    assert types[0] == "started" and types[-1] == "completed"

    started = events[0]
    assert started["hyperparameters"]["n_epochs"] == 30 and started["total_steps"] == 30
    assert started["hyperparameters"]["lora_r"] == 16 and started["hyperparameters"]["lora_alpha"] == 32
    assert started["precision"] == "fp32" and started["device"] == "cpu" and started["n_examples"] == 3

    progress = job.of("progress")
    assert [p["step"] for p in progress] == list(range(1, 31))
    first, last = progress[0], progress[-1]
    assert last["train_loss"] < first["train_loss"] - 1.0
    assert last["train_mean_token_accuracy"] >= 0.95
    assert all(p["tokens_per_second"] and p["tokens_per_second"] > 0 for p in progress[1:])

    # a checkpoint at every epoch end, only the last `keep` kept on disk
    ckpts = job.of("checkpoint")
    assert [c["step"] for c in ckpts] == list(range(1, 31)) and {c["reason"] for c in ckpts} == {"epoch"}
    assert sorted(p.name for p in (job.output / "checkpoints").iterdir()) == ["checkpoint-29", "checkpoint-30"]

    done = events[-1]
    assert done["trained_tokens"] > 0 and done["model_path"] is None
    with open(done["results_file"]) as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0].keys()) == COLUMNS and len(rows) == 30
    assert float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])

    # the adapter reproduces a training answer with greedy decoding
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(done["adapter_path"])
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_dir), done["adapter_path"]).eval()
    base = AutoModelForCausalLM.from_pretrained(tiny_dir).eval()
    q, a = MEMO[0]
    assert greedy(base, tok, q) != a  # not something the random base model already says
    assert greedy(model, tok, q) == a

    # the merge command from the completed event produces a standalone model that says the same
    cmd = done["merge_command"]
    assert "export" in cmd
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    merged_dir = json.loads(proc.stdout.strip().splitlines()[-1])["path"]
    merged = AutoModelForCausalLM.from_pretrained(merged_dir).eval()
    assert greedy(merged, AutoTokenizer.from_pretrained(merged_dir), q) == a


SEED_SAMPLE = [{"messages": [
    {"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."},
    {"role": "user", "content": "What's the capital of France?"},
    {"role": "assistant", "content": "Paris", "weight": 0},
    {"role": "user", "content": "Can you be more sarcastic?"},
    {"role": "assistant", "content": "Paris, as if everyone doesn't know that already.", "weight": 1}]}]


def test_seed_sample_json_array_with_validation_truncation_and_auto_epochs(make_job, tmp_path):
    train = tmp_path / "sample.json"
    train.write_text(json.dumps(SEED_SAMPLE * 20, indent=2))
    job = make_job(train, validation_file=str(train),
                   hyperparameters={"n_epochs": "auto", "batch_size": 8, "learning_rate_multiplier": "auto",
                                    "max_seq_length": 60}, unknown_future_key={"x": 1})
    assert job.run() == 0, job.console
    assert_events_valid(job)
    started = job.of("started")[0]
    assert started["hyperparameters"]["n_epochs"] == 5  # OpenAI's rule: min(25, 100 // 20)
    assert started["total_steps"] == 15
    assert started["hyperparameters"]["learning_rate"] == 2e-4
    assert started["n_validation_examples"] == 20
    warnings = [w["message"] for w in job.of("warning")]
    assert any("truncated" in w and "20 of 20 training" in w for w in warnings), warnings
    evals = job.of("eval")
    assert evals and evals[-1]["step"] == started["total_steps"]
    assert all(0 <= e["valid_mean_token_accuracy"] <= 1 for e in evals)
    rows = list(csv.DictReader((job.output / "results.csv").read_text().splitlines()))
    assert any(r["valid_loss"] for r in rows) and rows[-1]["valid_loss"]


def test_full_finetune_writes_full_weights(make_job, memo_file):
    job = make_job(memo_file, hyperparameters={"n_epochs": 1, "full_finetune": True})
    assert job.run() == 0, job.console
    done = job.of("completed")[0]
    assert done["adapter_path"] is None and done["merge_command"] is None
    assert (job.output / "model" / "model.safetensors").exists()
    assert "lora_r" not in job.of("started")[0]["hyperparameters"]
