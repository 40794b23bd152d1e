import json
import math

import jsonschema
import pytest
from pydantic import ValidationError

from hone_trainer.events import EVENT_JSON_SCHEMA, EventWriter, validate_event


def test_writer_appends_whole_lines_and_continues_seq(tmp_path):
    path = tmp_path / "events.jsonl"
    w = EventWriter(str(path))
    w.emit("warning", message="one", code=None)
    w.emit("eval", step=3, valid_loss=float("nan"), valid_mean_token_accuracy=math.inf)
    again = EventWriter(str(path))  # a resumed process keeps numbering
    again.emit("warning", message="two", code="x")
    lines = path.read_text().splitlines()
    events = [json.loads(x) for x in lines]
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert events[1]["valid_loss"] is None and events[1]["valid_mean_token_accuracy"] is None  # never NaN in JSON
    for e in events:
        assert e["v"] == 1 and isinstance(e["ts"], float)
        jsonschema.validate(e, EVENT_JSON_SCHEMA)


def test_disabled_writer_on_other_ranks_writes_nothing(tmp_path):
    path = tmp_path / "events.jsonl"
    EventWriter(str(path), enabled=False).emit("warning", message="x")
    assert not path.exists()


@pytest.mark.parametrize("event", [
    {"v": 1, "seq": 1, "ts": 1.0, "type": "bogus"},
    {"v": 1, "seq": 1, "ts": 1.0, "type": "eval", "step": 1},  # valid_loss missing
    {"v": 2, "seq": 1, "ts": 1.0, "type": "warning", "message": "x"},
    {"v": 1, "seq": 0, "ts": 1.0, "type": "warning", "message": "x"},
    {"v": 1, "seq": 1, "ts": 1.0, "type": "warning", "message": "x", "surprise": 1},
])
def test_schema_rejects_malformed_events(event):
    with pytest.raises(ValidationError):
        validate_event(event)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, EVENT_JSON_SCHEMA)
