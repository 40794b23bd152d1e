import csv
import os
import signal
import time
from types import SimpleNamespace

import pytest
from conftest import assert_events_valid, chat_line, write_jsonl

HP = {"n_epochs": 2, "batch_size": 1, "learning_rate_multiplier": 10}
QUESTIONS = [(f"Question number {i}?", f"Answer number {i}.") for i in range(30)]


def wait_for_step(job, proc, step, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(e["type"] == "progress" and e["step"] >= step for e in job.events()):
            return
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.02)
    raise AssertionError("training did not reach the step in time")


def losses(job):
    return {e["step"]: e["train_loss"] for e in job.of("progress")}


@pytest.fixture
def data30(tmp_path):
    return write_jsonl(tmp_path / "train30.jsonl", [chat_line(q, a) for q, a in QUESTIONS])


def test_stop_file_checkpoints_and_resume_continues_at_the_same_step(make_job, data30):
    ref = make_job(data30, name="ref", hyperparameters=HP)
    assert ref.run() == 0, ref.console
    ref_losses = losses(ref)
    total = ref.of("started")[0]["total_steps"]
    assert total == 60

    job = make_job(data30, name="stopped", hyperparameters=HP)
    proc = job.run(background=True)
    wait_for_step(job, proc, 4)
    open(job.spec["stop_file"], "w").close()
    assert proc.wait(timeout=120) == 3, proc.stdout.read()

    events = assert_events_valid(job)
    stopped = events[-1]
    assert stopped["type"] == "stopped" and stopped["reason"] == "stop_file"
    k = stopped["step"]
    last_progress = max(e["step"] for e in job.of("progress"))
    assert k == last_progress < 30  # stopped within one step of noticing the file, mid-epoch
    stop_ckpt = [c for c in job.of("checkpoint") if c["reason"] == "stop"]
    assert len(stop_ckpt) == 1 and stop_ckpt[0]["step"] == k
    assert [c["step"] for c in job.of("checkpoint")].count(k) == 1  # saved once, even at an epoch end
    assert stopped["checkpoint_path"] == stop_ckpt[0]["path"] and os.path.isdir(stop_ckpt[0]["path"])
    # losses up to the stop are the reference run's (same seed, same data order)
    for s in range(1, k + 1):
        assert losses(job)[s] == pytest.approx(ref_losses[s], abs=1e-5)

    os.remove(job.spec["stop_file"])
    job.spec["resume"] = True
    job.write()
    assert job.run() == 0, job.console
    events = assert_events_valid(job)  # seq continues across the restart
    second_start = [e for e in events if e["type"] == "started"][-1]
    assert second_start["resumed_from_step"] == k
    after = [e for e in events if e["type"] == "progress" and e["seq"] > second_start["seq"]]
    assert after[0]["step"] == k + 1 and after[-1]["step"] == total
    # same data order after the restart: the resumed losses match the uninterrupted run
    for e in after:
        assert e["train_loss"] == pytest.approx(ref_losses[e["step"]], abs=1e-4), e["step"]
    rows = list(csv.DictReader((job.output / "results.csv").read_text().splitlines()))
    assert [int(r["step"]) for r in rows] == list(range(1, total + 1))


def test_sigterm_behaves_like_the_stop_file(make_job, data30):
    job = make_job(data30, hyperparameters=HP)
    proc = job.run(background=True)
    wait_for_step(job, proc, 3)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 3
    stopped = assert_events_valid(job)[-1]
    assert stopped["type"] == "stopped" and stopped["reason"] == "signal"
    assert os.path.isdir(stopped["checkpoint_path"])


def test_interval_checkpoint_is_requested_after_every_seconds():
    from hone_trainer.callbacks import HoneCallback, StopRequest

    cb = HoneCallback(events=None, results=None, mlflow=None, stop=StopRequest(None), started_payload={},
                      every_seconds=0.05, has_eval=False, eval_steps=None, is_main=False)
    state = SimpleNamespace(max_steps=10, global_step=0, num_input_tokens_seen=0)
    cb.on_train_begin(None, state, None)
    control = SimpleNamespace(should_save=False, should_training_stop=False, should_evaluate=False)
    state.global_step = 1
    cb.on_step_end(None, state, control)
    assert not control.should_save
    time.sleep(0.06)
    state.global_step = 2
    cb.on_step_end(None, state, control)
    assert control.should_save and cb.pending_reason == "interval"


def test_stop_at_an_epoch_end_does_not_save_twice(tmp_path):
    from hone_trainer.callbacks import HoneCallback, StopRequest

    stop_file = tmp_path / "stop"
    cb = HoneCallback(events=None, results=None, mlflow=None, stop=StopRequest(str(stop_file)), started_payload={},
                      every_seconds=600, has_eval=False, eval_steps=None, is_main=False)
    state = SimpleNamespace(max_steps=10, global_step=0, num_input_tokens_seen=0)
    args = SimpleNamespace(output_dir=str(tmp_path))
    cb.on_train_begin(args, state, None)
    control = SimpleNamespace(should_save=False, should_training_stop=False, should_evaluate=False)
    state.global_step = 5
    stop_file.touch()
    cb.on_step_end(args, state, control)
    assert control.should_save and control.should_training_stop and cb.pending_reason == "stop"
    cb.on_save(args, state, control)  # the Trainer saves the stop checkpoint
    control.should_save = True  # ... then the epoch-end flow asks for another save of the same step
    cb.on_epoch_end(args, state, control)
    assert not control.should_save
