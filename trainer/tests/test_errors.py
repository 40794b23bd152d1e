
import pytest
from conftest import assert_events_valid, write_jsonl


def run_spec(job, spec_text: str):
    job.spec_path.write_text(spec_text)
    return job.run()


def test_unparseable_spec_reports_next_to_the_spec(make_job, memo_file):
    job = make_job(memo_file)
    assert run_spec(job, "{not json") == 2
    err = assert_events_valid(job)[-1]
    assert err["type"] == "error" and err["code"] == "invalid_spec" and "not valid JSON" in err["message"]


@pytest.mark.parametrize("mutate,code,fragment", [
    (lambda s: s.update(version=2), "invalid_spec", "version"),
    (lambda s: s.pop("training_file"), "invalid_spec", "training_file"),
    (lambda s: s.update(method="reinforcement"), "invalid_spec", "method"),
    (lambda s: s["hyperparameters"].update(n_epochs=0), "invalid_spec", "n_epochs"),
    (lambda s: s["hyperparameters"].update(batch_size="big"), "invalid_spec", "batch_size"),
    (lambda s: s.update(training_file="/nonexistent/train.jsonl"), "file_not_found", "training_file not found"),
    (lambda s: s.update(validation_file="/nonexistent/valid.jsonl"), "file_not_found", "validation_file"),
    (lambda s: s.update(model="/nonexistent/model"), "model_not_found", "/nonexistent/model"),
])
def test_invalid_spec_exits_2_with_a_clear_error_event(make_job, memo_file, mutate, code, fragment):
    job = make_job(memo_file)
    mutate(job.spec)
    job.write()
    assert job.run_inprocess() == 2
    err = assert_events_valid(job)[-1]
    assert err["type"] == "error" and err["code"] == code, err
    assert fragment in err["message"]


@pytest.mark.parametrize("content,fragment", [
    ('{"messages": [{"role": "user", "content": "hi"}]}\n', "no assistant message"),
    ('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "x"}]}\n{oops\n',
     "line 2 is not valid JSON"),
    ('[1, 2]', "must be a JSON object"),
])
def test_malformed_training_file_exits_2(make_job, tmp_path, content, fragment):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    job = make_job(bad)
    assert job.run_inprocess() == 2
    err = assert_events_valid(job)[-1]
    assert err["code"] == "invalid_training_file" and fragment in err["message"], err


def test_all_weight_zero_data_is_rejected_with_warning(make_job, tmp_path):
    rows = [{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0}]}]
    job = make_job(write_jsonl(tmp_path / "w0.jsonl", rows))
    assert job.run() == 2
    events = assert_events_valid(job)
    assert any(e["type"] == "warning" and e["code"] == "no_trained_tokens" for e in events)
    assert events[-1]["type"] == "error" and "no usable examples" in events[-1]["message"]
