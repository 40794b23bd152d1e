"""/v1/chat/completions with the official Python SDK against a real server and the real inference
worker (CPU, hone-tiny-llama): streaming and not, and the README's three-line call to a model
fine-tuned by a real job."""
import io
import json

from openai import OpenAI

from hone_server import wait

MODEL = "hone-tiny-llama"
MESSAGES = [{"role": "user", "content": "What is the code word number 1?"}]


def test_chat_sdk(hone):
    client = OpenAI(base_url=f"{hone.url}/v1", api_key=hone.key, max_retries=0)
    client.post(f"/models/{MODEL}/prepare", cast_to=object)
    wait(lambda: client.models.retrieve(MODEL).model_extra.get("status"), lambda s: s == "ready", 120, "model ready")

    plain = client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=8, temperature=0)
    assert plain.object == "chat.completion" and plain.choices[0].message.role == "assistant"
    assert plain.usage.total_tokens == plain.usage.prompt_tokens + plain.usage.completion_tokens
    text, usage = "", None
    for chunk in client.chat.completions.create(model=MODEL, messages=MESSAGES, max_tokens=8, temperature=0,
                                                stream=True, stream_options={"include_usage": True}):
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        usage = chunk.usage or usage
    assert text == plain.choices[0].message.content
    assert usage.model_dump() == plain.usage.model_dump()

    rows = [{"messages": [{"role": "user", "content": f"What is the code word number {i % 2}?"},
                          {"role": "assistant", "content": ["apple", "banana"][i % 2]}]} for i in range(10)]
    data = io.BytesIO("".join(json.dumps(r) + "\n" for r in rows).encode())
    f = client.files.create(file=("train.jsonl", data), purpose="fine-tune")
    hp = {"n_epochs": 1, "batch_size": 4}
    job = client.fine_tuning.jobs.create(training_file=f.id, model=MODEL, hyperparameters=hp)
    ended = ("succeeded", "failed", "cancelled")
    job = wait(lambda: client.fine_tuning.jobs.retrieve(job.id), lambda j: j.status in ended, 240, "job end")
    assert job.status == "succeeded", job.error

    # The README's call to a fine-tuned model: the same three lines as for OpenAI.
    client = OpenAI(base_url=f"{hone.url}/v1", api_key=hone.key)
    reply = client.chat.completions.create(model=job.fine_tuned_model, messages=MESSAGES)
    print(reply.choices[0].message.content)
    assert reply.model == job.fine_tuned_model and reply.choices[0].finish_reason in ("stop", "length")
