"""Escaping rules shared by the formats: what CI systems read, and what a terminal shows.

Live values can hold any character. Those that are not printable (C0 and C1 controls,
bidi overrides and isolates, line and paragraph separators, lone surrogates, NEL) are
written as escapes in every format: raw, they could forge a line, reorder what a reviewer
reads, drive a terminal, or (a lone surrogate) make the output impossible to encode.
"""

from __future__ import annotations

import re

_NOT_ASCII = re.compile("[^\x00-\x7e]")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char.isprintable():
        return char
    code = ord(char)
    if code > 0xFFFF:  # JSON spells these as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_safe(text: str) -> str:
    """JSON text (as json.dumps writes it, with ensure_ascii=False) with every character
    that is not printable escaped as \\uXXXX: still the same JSON, and always valid UTF-8
    (a lone surrogate cannot be encoded raw)."""
    if text.isascii() and "\x7f" not in text:
        return text
    return _NOT_ASCII.sub(_json_escape, text)


def visible(text: str, keep: str = "") -> str:
    """`text` with every character that is not printable (except those in `keep`)
    written as its Python escape, like `\\x1b` or `\\u202e`."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in keep else repr(c)[1:-1] for c in text)


def gh_data(text: str) -> str:
    """Escape a GitHub workflow-command message."""
    text = visible(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gh_property(text: str) -> str:
    """Escape a GitHub workflow-command property value (file, title)."""
    return gh_data(text).replace(":", "%3A").replace(",", "%2C")


def gh_command(
    level: str, message: str, *, file: str, line: int, col: int | None, title: str
) -> str:
    props = [f"file={gh_property(file)}"]
    if line > 0:
        props.append(f"line={line}")
        if col:
            props.append(f"col={col}")
    props.append(f"title={gh_property(title)}")
    return f"::{level} {','.join(props)}::{gh_data(message)}"
