import json

from conftest import assert_events_valid, write_jsonl

PAIRS = [
    ("What is the capital of France?", "Paris.", "London."),
    ("What is two plus two?", "Four.", "Five."),
    ("How many days are in a week?", "Seven.", "Nine."),
    ("What is the capital of Italy?", "Rome.", "Berlin."),
]


def test_dpo_runs_on_a_small_preference_set_with_both_key_spellings(make_job, tmp_path):
    rows = []
    for i, (q, good, bad) in enumerate(PAIRS):
        pref, rej = ("preferred_output", "non_preferred_output") if i % 2 else \
            ("preferred_completion", "non_preferred_completion")
        rows.append({"input": {"messages": [{"role": "system", "content": "Answer briefly."},
                                            {"role": "user", "content": q}]},
                     pref: [{"role": "assistant", "content": good}],
                     rej: [{"role": "assistant", "content": bad}]})
    train = write_jsonl(tmp_path / "prefs.jsonl", rows)
    job = make_job(train, method="dpo", validation_file=str(train),
                   hyperparameters={"n_epochs": 3, "batch_size": 2, "beta": 0.2, "learning_rate_multiplier": 100})
    assert job.run() == 0, job.console
    events = assert_events_valid(job)
    started = events[0]
    assert started["method"] == "dpo" and started["hyperparameters"]["beta"] == 0.2
    assert started["total_steps"] == 6
    progress = job.of("progress")
    assert len(progress) == 6 and all(p["train_loss"] is not None for p in progress)
    assert "rewards/margins" in progress[-1]["extra"]
    # the policy moves towards the preferred answers: the reward margin grows
    assert progress[-1]["extra"]["rewards/margins"] > progress[0]["extra"]["rewards/margins"]
    assert job.of("eval")
    done = events[-1]
    assert done["type"] == "completed"
    with open(f"{done['adapter_path']}/adapter_config.json") as fh:
        cfg = json.load(fh)
    assert cfg["r"] == 16 and cfg["lora_alpha"] == 32


def test_dpo_rejects_chat_lines(make_job, memo_file):
    job = make_job(memo_file, method="dpo")
    assert job.run() == 2
    err = job.of("error")[-1]
    assert err["code"] == "invalid_training_file" and "input" in err["message"]
