"""Compare desired and live state with deepdiff and speak the project's Change model.

deepdiff is used here and nowhere else; everything downstream sees `Change`.
"""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff

from drift.model import Change
from drift.normalize import LiveAuth
from drift.spec import DesiredIntegration

_KIND = {
    "values_changed": "changed",
    "type_changes": "changed",
    "dictionary_item_added": "added",
    "dictionary_item_removed": "removed",
}


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def diff(desired: DesiredIntegration, live: LiveAuth) -> tuple[Change, ...]:
    """The changes between what the spec declares and the live record, sorted by path."""
    want: dict[str, Any] = {"authType": desired.auth_type}
    have: dict[str, Any] = {"authType": live.auth_type}
    spelling: dict[str, str] = {}
    changes: list[Change] = []
    if desired.headers is not None:
        want["headers"] = {h.name.lower(): h.value for h in desired.headers}
        spelling.update({h.name.lower(): h.name for h in desired.headers})
        have_headers: dict[str, str] = {}
        for name, value in live.headers:
            lowered = name.lower()
            if lowered in have_headers:
                changes.append(
                    Change(
                        "added",
                        _pointer("headers", spelling.get(lowered, name)),
                        None,
                        value,
                        desired.field_source(_pointer("headers", name)),
                        note="the live record has this header more than once",
                    )
                )
                continue
            have_headers[lowered] = value
            spelling.setdefault(lowered, name)
        have["headers"] = have_headers
    tree = DeepDiff(want, have, view="tree")
    for report_type, levels in tree.items():
        kind = _KIND.get(report_type)
        if kind is None:
            raise ValueError(f"unexpected difference {report_type}")
        for level in levels:
            parts = [str(p) for p in level.path(output_format="list")]
            if parts[0] == "headers" and len(parts) == 2:
                parts[1] = spelling.get(parts[1], parts[1])
            pointer = _pointer(*parts)
            expected = None if kind == "added" else level.t1
            actual = None if kind == "removed" else level.t2
            changes.append(Change(kind, pointer, expected, actual, desired.field_source(pointer)))
    return tuple(sorted(changes, key=Change.sort_key))
