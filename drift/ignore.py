"""Ignore rules: accept a finding for a while, with a reason; expired rules stop working."""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Iterable
from dataclasses import replace

from drift.desired import IgnoreRule
from drift.model import Change


def path_matches(pattern: str, path: str) -> bool:
    """JSON Pointers compared segment by segment; `*` stands for one segment.
    Case-insensitive, because header names are."""
    want = pattern.lower().split("/")
    have = path.lower().split("/")
    return len(want) == len(have) and all(w in ("*", h) for w, h in zip(want, have, strict=True))


class SharedRules:
    """Top-level rules indexed once per run: exact local names (what `drift baseline`
    writes, possibly thousands) by name, globs kept apart and matched per integration."""

    def __init__(self, rules: Iterable[IgnoreRule] = ()) -> None:
        self.exact: dict[str, list[IgnoreRule]] = {}
        self.globs: list[IgnoreRule] = []
        for rule in rules:
            if any(ch in rule.integration for ch in "*?["):
                self.globs.append(rule)
            else:
                self.exact.setdefault(rule.integration, []).append(rule)

    def rules_for(self, name: str, own: Iterable[IgnoreRule]) -> list[IgnoreRule]:
        return [
            *own,
            *self.exact.get(name, ()),
            *(r for r in self.globs if fnmatch.fnmatchcase(name, r.integration)),
        ]


def apply(
    changes: Iterable[Change], rules: list[IgnoreRule], today: datetime.date
) -> tuple[Change, ...]:
    """Mark changes that a live rule accepts as ignored; note the ones whose rule expired."""
    out = []
    for change in changes:
        matching = [r for r in rules if path_matches(r.path, change.path)]
        # a rule still in force wins over an expired one for the same finding
        live = next((r for r in matching if r.until is None or today <= r.until), None)
        if not matching or change.disposition == "ignored":
            out.append(change)
        elif live is not None:
            until = f" (until {live.until.isoformat()})" if live.until else ""
            note = _join(change.note, f"ignored: {live.reason}{until}")
            out.append(replace(change, disposition="ignored", note=note))
        else:
            rule = matching[0]
            assert rule.until is not None
            expired = f"ignore expired on {rule.until.isoformat()}: {rule.reason}"
            out.append(replace(change, note=_join(change.note, expired)))
    return tuple(out)


def _join(note: str | None, extra: str) -> str:
    return f"{note}; {extra}" if note else extra
