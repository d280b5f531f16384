"""The schema's patterns match the whole value in drift as in ECMA-262 (editors,
check-jsonschema): no final line break slips through Python's `$`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drift.schemas import _regex, ecma_anchors

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "schemas" / "spec.schema.json").read_text("utf-8")
)


def _patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


PATTERNS = sorted(set(_patterns(SCHEMA)))


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        ("^a$", r"^a\Z"),
        ("^a$|^b$", r"^a\Z|^b\Z"),
        (r"^a\$$", r"^a\$\Z"),  # an escaped dollar is a dollar
        ("^[$]+$", r"^[$]+\Z"),  # in a class too
        ("^[!#$%]+$", r"^[!#$%]+\Z"),
        (r"^[\]$]$", r"^[\]$]\Z"),  # an escaped ] does not end the class
        ("^/", "^/"),
        ("", ""),
    ],
)
def test_ecma_anchors(pattern: str, python: str) -> None:
    assert ecma_anchors(pattern) == python


def test_there_are_patterns_to_check() -> None:
    assert len(PATTERNS) >= 7  # local name, ids, tag, header name, sha256, env, until, path


def test_every_pattern_but_the_pointer_prefix_is_anchored_at_both_ends() -> None:
    partial = [p for p in PATTERNS if not (p.startswith("^") and p.endswith("$"))]
    assert partial == ["^/"]  # an ignore rule's path: any JSON Pointer


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if p.endswith("$")])
def test_no_schema_pattern_lets_a_final_line_break_through(pattern: str) -> None:
    regex = _regex(pattern)
    samples = [s for s in ("A1", "2027-01-31", "0" * 64, "X-Team") if regex.search(s)]
    assert samples
    for sample in samples:
        assert not regex.search(sample + "\n"), sample
        assert re.search(pattern, sample + "\n"), "Python's own `$` would have let it in"


@pytest.mark.parametrize("pattern", PATTERNS)
def test_schema_patterns_avoid_classes_the_dialects_read_differently(pattern: str) -> None:
    """`\\d`, `\\w`, `\\s`, `\\b` mean Unicode in Python and ASCII in ECMA-262: spell the
    characters out ([0-9]) so that the two cannot differ."""
    assert not re.search(r"\\[dDwWsSbB]", pattern)


def test_drift_applies_patterns_as_ascii() -> None:
    assert _regex(r"^\d$").search("\u0663") is None  # Arabic-Indic three
