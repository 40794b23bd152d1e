import copy

import pytest

from hone_trainer.data import DataError, normalise_messages
from hone_trainer.labels import IGNORE, ChatEncoder

CONVO = [
    {"role": "system", "content": "Be nice."},
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello there", "weight": 0},
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function",
         "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": "18C and sunny"},
    {"role": "assistant", "content": "It is 18C and sunny.", "weight": 1},
]
WEATHER_PARAMS = {"type": "object", "properties": {"city": {"type": "string"}}}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                           "parameters": WEATHER_PARAMS}}]

PLAIN_CHATML = ("{% for m in messages %}{{ '<|im_start|>' + m.role + '\n' + (m.content or '') }}"
                "{% for tc in (m.tool_calls or []) %}"
                "{{ '<tool_call>' + (tc.function | tojson) + '</tool_call>' }}{% endfor %}"
                "{{ '<|im_end|>\n' }}{% endfor %}"
                "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


def trained_spans(tok, enc):
    """Decoded text of each contiguous run of trained labels."""
    spans, cur = [], []
    for i, lab in zip(enc.input_ids, enc.labels, strict=True):
        if lab != IGNORE:
            assert lab == i
            cur.append(i)
        elif cur:
            spans.append(tok.decode(cur))
            cur = []
    if cur:
        spans.append(tok.decode(cur))
    return spans


def encode(tok, convo, tools=None, max_length=4096, template=None):
    if template is not None:
        tok = copy.deepcopy(tok)
        tok.chat_template = template
    msgs, trained = normalise_messages(copy.deepcopy(convo), "test")
    encoder = ChatEncoder(tok, max_length)
    return encoder, encoder.encode(msgs, trained, tools)


def test_exact_mask_weights_system_user_tool_and_tool_calls(tiny_tokenizer):
    encoder, enc = encode(tiny_tokenizer, CONVO, TOOLS)
    assert encoder.mode == "markers"
    # weight 0 answer untrained; tool-call turn and final answer trained, each with its end-of-turn
    # token and nothing else (not the newline after it, not the role header).
    assert trained_spans(tiny_tokenizer, enc) == [
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call><|im_end|>',
        "It is 18C and sunny.<|im_end|>",
    ]
    text = tiny_tokenizer.decode(enc.input_ids)
    for untrained in ("Be nice.", "Hi", "Hello there", "Weather in Paris?", "18C and sunny<|im_end|>", "get_weather"):
        assert untrained in text  # the context is there, only unlabelled
    assert enc.n_trained == sum(1 for lab in enc.labels[1:] if lab != IGNORE)
    assert not enc.truncated


def test_all_weights_one_trains_every_assistant_turn(tiny_tokenizer):
    convo = [dict(m, weight=1) if m["role"] == "assistant" else m for m in CONVO]
    _, enc = encode(tiny_tokenizer, convo, TOOLS)
    spans = trained_spans(tiny_tokenizer, enc)
    assert spans[0] == "Hello there<|im_end|>" and len(spans) == 3


def test_all_weights_zero_trains_nothing(tiny_tokenizer):
    convo = [dict(m, weight=0) if m["role"] == "assistant" else m for m in CONVO]
    _, enc = encode(tiny_tokenizer, convo, TOOLS)
    assert enc.n_trained == 0 and set(enc.labels) == {IGNORE}


def test_prefix_mode_without_generation_markers_gives_the_same_spans(tiny_tokenizer):
    encoder, enc = encode(tiny_tokenizer, CONVO, None, template=PLAIN_CHATML)
    assert encoder.mode == "prefix"
    assert trained_spans(tiny_tokenizer, enc) == [
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call><|im_end|>',
        "It is 18C and sunny.<|im_end|>",
    ]


def test_legacy_function_call_goes_through_the_template(tiny_tokenizer):
    convo = [{"role": "user", "content": "Weather?"},
             {"role": "assistant", "content": None, "function_call": {"name": "get_weather", "arguments": "{}"}},
             {"role": "function", "name": "get_weather", "content": "rain"},
             {"role": "assistant", "content": "Rain."}]
    _, enc = encode(tiny_tokenizer, convo)
    assert trained_spans(tiny_tokenizer, enc) == [
        '<tool_call>{"name": "get_weather", "arguments": {}}</tool_call><|im_end|>', "Rain.<|im_end|>"]
    assert "<|im_start|>tool\nrain" in tiny_tokenizer.decode(enc.input_ids)


def test_truncation_keeps_the_start(tiny_tokenizer):
    _, full = encode(tiny_tokenizer, CONVO, TOOLS)
    _, cut = encode(tiny_tokenizer, CONVO, TOOLS, max_length=40)
    assert cut.truncated and len(cut.input_ids) == 40
    assert cut.input_ids == full.input_ids[:40] and cut.labels == full.labels[:40]


@pytest.mark.parametrize("messages,fragment", [
    ([{"role": "user", "content": "x"}], "no assistant"),
    ([{"role": "user", "content": "x"}, {"role": "assistant", "content": "y", "weight": 2}], "weight"),
    ([{"role": "narrator", "content": "x"}, {"role": "assistant", "content": "y"}], "unsupported role"),
    ([], "non-empty"),
])
def test_bad_examples_are_rejected(messages, fragment):
    with pytest.raises(DataError, match=fragment):
        normalise_messages(messages, "example 1")
