"""The seed guide's Fine-Tune API section with the official openai Python SDK.

The snippets are the guide's own; only its placeholder ids (a training file and a job id from the
guide author's server) are replaced by ids from this server. A small real job on hone-tiny-llama
holds the CPU slot first, so the guide's 8B job stays queued and is cancelled deterministically.
"""
import io
import json
from contextlib import redirect_stdout

import pytest

from hone_server import KEY, SEED_SETUP, start_server, stop_server, wait

SEED_CREATE = '''client.fine_tuning.jobs.create(
  training_file="fine-tune-fine-tune-jsonl-filtered_germanrag",
  model="Meta-Llama-3.1-8B-Instruct",
  hyperparameters={
    "n_epochs":2,
  }
)'''

SEED_LIST = '''
import json

# Get the list of fine-tuning jobs
response = client.fine_tuning.jobs.list(limit=10)

#Optional
# Convert the response to the desired dictionary format
response_dict = {
    "object": response.object,
    "data": [
        {
            "id": job.id,
            "object": job.object,
            "model": job.model,
            "created_at": job.created_at,
            "status": job.status,
            "training_file": job.training_file,
            "hyperparameters": {
                "n_epochs": job.hyperparameters.n_epochs,
                "batch_size": job.hyperparameters.batch_size
            }
        } for job in response.data
    ],
    "has_more": response.has_more
}

# Pretty-print the JSON response
print(json.dumps(response_dict, indent=4))
'''

SEED_EVENTS = '''
events = client.fine_tuning.jobs.list_events(
    fine_tuning_job_id="3b67a28a-6b96-429b-a7eb-7f2a00f664ec",
    limit=10
)

#Optional
# Convert the response to the desired dictionary format
response_dict = {
    "object": events.object,
    "data": [
        {
            "created_at": event.created_at,
            "level": event.level,
            "message": event.message,
            "type": event.type
        } for event in events.data
    ],
    "has_more": events.has_more
}

# Pretty-print the JSON response
print(json.dumps(response_dict, indent=4))
'''

SEED_CANCEL = 'client.fine_tuning.jobs.cancel("3b67a28a-6b96-429b-a7eb-7f2a00f664ec")'

DATASET = "".join(
    json.dumps({"messages": [
        {"role": "system", "content": "Marv is a factual chatbot that is also sarcastic."},
        {"role": "user", "content": f"What's {i} plus {i}?"},
        {"role": "assistant", "content": f"{2 * i}, obviously.", "weight": 1},
    ]}) + "\n"
    for i in range(12)
)


@pytest.fixture
def seed_env(monkeypatch):
    s = start_server(env_extra={"HF_HUB_OFFLINE": "1"})
    monkeypatch.setenv("API_BASE", s.url)
    monkeypatch.setenv("API_KEY", KEY)
    yield s
    stop_server(s)


def test_seed_finetune_api(seed_env, tmp_path):
    ns: dict = {}
    exec(SEED_SETUP, ns)
    client = ns["client"]
    path = tmp_path / "germanrag.jsonl"
    path.write_text(DATASET)
    with open(path, "rb") as fh:
        training = client.files.create(file=fh, purpose="fine-tune")

    blocker = client.fine_tuning.jobs.create(training_file=training.id, model="hone-tiny-llama",
                                             hyperparameters={"n_epochs": 50, "batch_size": 1})
    wait(lambda: client.fine_tuning.jobs.retrieve(blocker.id).status, lambda s: s == "running", 120, "blocker running")

    job = eval(SEED_CREATE.replace("fine-tune-fine-tune-jsonl-filtered_germanrag", training.id), ns)
    assert job.object == "fine_tuning.job" and job.model == "Meta-Llama-3.1-8B-Instruct"
    assert job.training_file == training.id and job.hyperparameters.n_epochs == 2
    assert job.status in ("validating_files", "queued")
    queued = wait(lambda: client.fine_tuning.jobs.retrieve(job.id), lambda j: j.status != "validating_files", 60,
                  "validation")
    assert queued.status == "queued", queued.error

    out = io.StringIO()
    with redirect_stdout(out):
        exec(SEED_LIST, ns)
    listed = json.loads(out.getvalue())
    assert listed["object"] == "list" and listed["has_more"] is False
    assert [j["id"] for j in listed["data"]] == [job.id, blocker.id]  # newest first
    assert listed["data"][0]["hyperparameters"]["n_epochs"] == 2

    out = io.StringIO()
    with redirect_stdout(out):
        exec(SEED_EVENTS.replace("3b67a28a-6b96-429b-a7eb-7f2a00f664ec", job.id), ns)
    events = json.loads(out.getvalue())
    messages = [e["message"] for e in events["data"]]
    assert any(m.startswith("Queued (position 1): waiting for the CPU slot") for m in messages), messages
    assert messages[-1].startswith("Created fine-tuning job")
    assert all(e["level"] in ("info", "warn", "error") and e["type"] in ("message", "metrics") for e in events["data"])

    cancelled = eval(SEED_CANCEL.replace("3b67a28a-6b96-429b-a7eb-7f2a00f664ec", job.id), ns)
    assert cancelled.status == "cancelled" and cancelled.id == job.id

    # The seed's own paths answer with OpenAI shapes too.
    import urllib.request

    def call(path, method="GET"):
        req = urllib.request.Request(seed_env.url + path, method=method, headers={"Authorization": f"Bearer {KEY}"})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    alias = call("/v1/finetune-jobs")
    assert alias["object"] == "list" and len(alias["data"]) == 2
    ev = call(f"/finetune-jobs/{job.id}/events")
    assert all("id" in e for e in ev["data"])
    again = call(f"/v1/finetune-jobs/{blocker.id}/cancel", "POST")
    assert again["status"] == "cancelled"
