"""The YAML 1.2 core schema's scalars: which plain scalars are null, booleans and numbers,
and their values. Plain text rules, no YAML library: drift.spec.yamlload applies them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution). `\Z`, not `$`,
# ends each pattern: `$` would also match before a final line break.
CORE_RESOLVERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("tag:yaml.org,2002:null", r"(?:~|null|Null|NULL|)\Z", ("", *"~nN")),
    ("tag:yaml.org,2002:bool", r"(?:true|True|TRUE|false|False|FALSE)\Z", (*"tTfF",)),
    ("tag:yaml.org,2002:int", r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z", (*"-+0123456789",)),
    (
        "tag:yaml.org,2002:float",
        r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z",
        (*"-+.0123456789",),
    ),
    # not YAML 1.2, but a merge key is refused with a clear message, not taken as text
    ("tag:yaml.org,2002:merge", r"<<\Z", ("<",)),
]
_INT = re.compile(CORE_RESOLVERS[2][1])
_FLOAT = re.compile(CORE_RESOLVERS[3][1])


class NotCore(ValueError):
    """A scalar tagged with a core type it does not spell (`!!bool yes`)."""


def _core_error(text: str, what: str) -> NotCore:
    return NotCore(f"{text!r} is not {what} in YAML 1.2")


def _construct_null(text: str) -> None:
    if text not in ("", "~", "null", "Null", "NULL"):
        raise _core_error(text, "null")


def _construct_bool(text: str) -> bool:
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    raise _core_error(text, "true or false")


def _construct_int(text: str) -> int | float:
    if not _INT.match(text):
        raise _core_error(text, "an integer")
    try:
        if text.startswith(("0o", "0x")):
            number = int(text[2:], 8 if text[1] == "o" else 16)
            # one Python could not print (over 4300 digits) is still a number, a huge one
            return number if number.bit_length() < 14_000 else float("inf")
        return int(text)
    except ValueError:  # more digits than Python converts to int: still a number
        return float(text)


def _construct_float(text: str) -> float:
    if not _FLOAT.match(text) and not _INT.match(text):
        raise _core_error(text, "a number")
    if text.startswith(("0o", "0x")):
        return float(_construct_int(text))
    if text.lstrip("-+").lower() == ".inf":
        return float("-inf" if text.startswith("-") else "inf")
    if text.lower() == ".nan":
        return float("nan")
    return float(text)


SCALARS: dict[str, Callable[[str], Any]] = {
    "null": _construct_null,
    "bool": _construct_bool,
    "int": _construct_int,
    "float": _construct_float,
}
