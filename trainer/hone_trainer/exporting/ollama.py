"""An Ollama ``Modelfile`` from a Hugging Face chat template.

A Jinja chat template cannot be translated to Go's text/template in general, so the template is *rendered*
with sentinel messages and the role markers around each sentinel are read off the output. That covers
the marker-based templates (ChatML, Llama 3, Gemma, …); the end-of-turn marker becomes the stop parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

_S, _U, _A, _U2 = "\x01SYS\x01", "\x01USR\x01", "\x01AST\x01", "\x01USR2\x01"


@dataclass
class RoleMarkers:
    preamble: str
    prefix: dict[str, str]
    suffix: str  # the end of a turn, e.g. "<|im_end|>\n"
    generation: str  # what add_generation_prompt appends
    default_system: str | None


def _render(tok, messages, gen: bool) -> str:
    return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=gen)


def role_markers(tok) -> RoleMarkers:
    if not tok.chat_template:
        raise ValueError("the model has no chat template, so there is no TEMPLATE to write")
    convo = [{"role": "system", "content": _S}, {"role": "user", "content": _U},
             {"role": "assistant", "content": _A}, {"role": "user", "content": _U2}]
    text = _render(tok, convo, False)
    i_s, i_u, i_a, i_u2 = (text.index(x) for x in (_S, _U, _A, _U2))
    head = text[:i_s]
    sys_to_user = text[i_s + len(_S):i_u]
    user_to_ast = text[i_u + len(_U):i_a]
    ast_to_user = text[i_a + len(_A):i_u2]
    after_u2 = text[i_u2 + len(_U2):]
    suffix = after_u2  # the last user turn's end: nothing of another role follows it
    if not suffix or not ast_to_user.startswith(suffix):
        suffix = ""

    def strip(seg: str) -> str:
        return seg[len(suffix):] if suffix and seg.startswith(suffix) else seg

    user = strip(ast_to_user)
    assistant = strip(user_to_ast)
    system_guess = user.replace("user", "system")
    if system_guess != user and head.endswith(system_guess):
        preamble, system = head[:-len(system_guess)], system_guess
    else:
        preamble, system = "", head
    bos = getattr(tok, "bos_token", None)
    if bos and preamble.startswith(bos) and not user.startswith(bos):  # llama.cpp and Ollama add BOS themselves
        preamble = preamble[len(bos):]
    if bos and system.startswith(bos) and not user.startswith(bos):  # BOS, not a role marker (ChatML's is both)
        system = system[len(bos):]
    only_user = [{"role": "user", "content": _U}]
    gen = _render(tok, only_user, True)[len(_render(tok, only_user, False)):] or assistant
    default_system = None
    lone = _render(tok, only_user, False)
    if system and system in lone:  # the template adds a system turn of its own
        start = lone.index(system) + len(system)
        end = lone.find(suffix or user, start)
        if end > start:
            default_system = lone[start:end]
    prefix = {"system": system, "user": sys_to_user[len(suffix):] if suffix and sys_to_user.startswith(suffix)
              else user, "assistant": assistant}
    return RoleMarkers(preamble, prefix, suffix, gen, default_system)


def _go(s: str) -> str:
    """Literal text inside a Go template (only ``{{`` needs care)."""
    return s.replace("{{", '{{ "{{" }}')


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stop_tokens(tok, m: RoleMarkers) -> list[str]:
    special = set(getattr(tok, "all_special_tokens", []) or []) | {
        str(t) for t in (getattr(tok, "added_tokens_decoder", {}) or {}).values()}
    out: list[str] = []
    end = m.suffix.strip()
    if end:
        out.append(end)
    start = next((s for s in sorted(special, key=len, reverse=True) if m.prefix["user"].startswith(s)), None)
    if start:
        out.append(start)
    eos = getattr(tok, "eos_token", None)
    if eos and eos not in out:
        out.append(eos)
    return list(dict.fromkeys(out))


def modelfile(tok, gguf_name: str, params: dict[str, object] | None = None) -> str:
    m = role_markers(tok)
    tpl: list[str] = []
    if m.preamble:
        tpl.append(_go(m.preamble))
    # No "{{-" trimming anywhere: it would eat the newlines that belong to the role markers.
    tpl.append("{{ range $i, $_ := .Messages }}")
    tpl.append("{{ $last := eq (len (slice $.Messages $i)) 1 }}")
    for n, role in enumerate(("system", "user", "assistant")):
        kw = "if" if n == 0 else "else if"
        tpl.append(f'{{{{ {kw} eq .Role "{role}" }}}}{_go(m.prefix[role])}{{{{ .Content }}}}'
                   + (f"{{{{ if not $last }}}}{_go(m.suffix)}{{{{ end }}}}" if role == "assistant"
                      else _go(m.suffix)))
    tpl.append("{{ end }}")
    tpl.append(f'{{{{ if and $last (ne .Role "assistant") }}}}{_go(m.generation)}{{{{ end }}}}')
    tpl.append("{{ end }}")
    body = "".join(tpl)
    lines = [f"FROM ./{gguf_name}", "", f'TEMPLATE """{body}"""', ""]
    if m.default_system:
        lines += [f'SYSTEM """{m.default_system}"""', ""]
    for s in stop_tokens(tok, m):
        lines.append(f"PARAMETER stop {_quote(s)}")
    for k, v in (params or {}).items():
        lines.append(f"PARAMETER {k} {v}")
    return "\n".join(lines) + "\n"
