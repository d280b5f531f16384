"""Compare desired and live state with deepdiff and speak the project's Change model.

deepdiff is used here and nowhere else; everything downstream sees `Change`. Matchers
other than an exact value are settled before deepdiff runs: a satisfied matcher takes the
live value, an unmet one an `_Unmet` marker that deepdiff reports as a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drift.desired import DesiredHeader, DesiredIntegration
from drift.matchers import looks_sensitive
from drift.model import Change
from drift.normalize import LiveAuth
from drift.secret import fingerprint

_KIND = {
    "values_changed": "changed",
    "type_changes": "changed",
    "dictionary_item_added": "added",
    "dictionary_item_removed": "removed",
}


@dataclass(frozen=True)
class _Unmet:
    text: str


def pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _shown(value: Any, secret: bool) -> Any:
    if isinstance(value, _Unmet):
        return value.text
    if secret and isinstance(value, str):
        return fingerprint(value)
    return value


def _want(header: DesiredHeader, live_value: str | None) -> Any:
    matcher = header.matcher
    if matcher.kind == "equals":
        return matcher.argument
    if matcher.matches(live_value):
        return live_value
    return _Unmet(matcher.expected_text(header.secret))


class _Headers:
    """Live headers by lower-case name, remembering spellings and repeats."""

    def __init__(self, live: LiveAuth) -> None:
        self.values: dict[str, str] = {}
        self.spelling: dict[str, str] = {}
        self.repeats: list[tuple[str, str]] = []
        for name, value in live.headers:
            lowered = name.lower()
            if lowered in self.values:
                self.repeats.append((name, value))
            else:
                self.values[lowered] = value
                self.spelling[lowered] = name


def _differences(
    want: dict[str, Any], have: dict[str, Any]
) -> list[tuple[str, list[str], Any, Any]]:
    """deepdiff's findings as (kind, path parts, expected, actual). deepdiff reports an
    empty mapping against a full one as one changed value; split it per key so that every
    header is its own finding (and can be redacted on its own)."""
    out: list[tuple[str, list[str], Any, Any]] = []
    if want == have:  # the common case; DeepDiff costs far more than a comparison
        return out
    # imported here: a run where everything is in sync never pays for loading deepdiff
    from deepdiff import DeepDiff

    for report_type, levels in DeepDiff(want, have, view="tree").items():
        kind = _KIND.get(report_type)
        if kind is None:
            raise ValueError(f"unexpected difference {report_type}")
        for level in levels:
            parts = [str(p) for p in level.path(output_format="list")]
            before, after = level.t1, level.t2
            if isinstance(before, dict) and isinstance(after, dict):
                out += [
                    ("added", [*parts, k], None, v) for k, v in after.items() if k not in before
                ]
                out += [
                    ("removed", [*parts, k], v, None) for k, v in before.items() if k not in after
                ]
                continue
            out.append((kind, parts, before, after))
    return out


def diff(desired: DesiredIntegration, live: LiveAuth) -> tuple[Change, ...]:
    """The changes between what the spec declares and the live record, sorted by path."""
    want: dict[str, Any] = {"authType": desired.auth_type}
    have: dict[str, Any] = {"authType": live.auth_type}
    declared: dict[str, DesiredHeader] = {}
    changes: list[Change] = []
    live_headers = _Headers(live)
    if desired.headers is not None:
        declared = {h.name.lower(): h for h in desired.headers}
        want["headers"] = {
            lowered: _want(h, live_headers.values.get(lowered))
            for lowered, h in declared.items()
            if h.matcher.kind != "absent"
        }
        have["headers"] = dict(live_headers.values)
        for name, value in live_headers.repeats:
            header = declared.get(name.lower())
            secret = header.secret if header else looks_sensitive(name)
            path = pointer("headers", header.name if header else name)
            changes.append(
                Change(
                    "added",
                    path,
                    None,
                    _shown(value, secret),
                    desired.field_source(path),
                    note="the live record has this header more than once",
                )
            )

    def spelled(lowered: str) -> str:
        header = declared.get(lowered)
        return header.name if header else live_headers.spelling.get(lowered, lowered)

    for kind, parts, before, after in _differences(want, have):
        secret = False
        disposition = "drift"
        note = None
        if parts[0] == "headers" and len(parts) == 2:
            header = declared.get(parts[1])
            secret = header.secret if header else looks_sensitive(parts[1])
            if kind == "added" and header is not None:
                note = "the spec requires this header to be absent"
            elif kind == "added":
                if desired.extra_headers == "ignore":
                    continue
                if desired.extra_headers == "warn":
                    disposition = "warning"
            parts[1] = spelled(parts[1])
        path = pointer(*parts)
        changes.append(
            Change(
                kind,
                path,
                None if kind == "added" else _shown(before, secret),
                None if kind == "removed" else _shown(after, secret),
                desired.field_source(path),
                note=note,
                disposition=disposition,
            )
        )
    return tuple(sorted(changes, key=Change.sort_key))
