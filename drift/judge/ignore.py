"""Ignore rules: accept a finding for a while, with a reason; expired rules stop working.

A rule with `accept` accepts only the live value it names (what `drift baseline` writes):
the same path holding another value later is drift again.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Iterable
from dataclasses import replace

from drift.model.desired import DesiredIntegration, IgnoreRule
from drift.model.matchers import Matcher
from drift.model.results import Change, Seen
from drift.secret import sha256_hex

GLOB_CHARS = "*?["


def is_glob(text: str) -> bool:
    return any(ch in text for ch in GLOB_CHARS)


def path_matches(pattern: str, path: str) -> bool:
    """JSON Pointers compared segment by segment, each segment a glob (`*` within a segment:
    `/headers/X-Trace-*`; alone, any one segment) that never spans a `/`. Header names
    compare case-insensitively, as HTTP has them; field names (`/authType`) exactly."""
    want = pattern.split("/")
    have = path.split("/")
    if len(want) != len(have):
        return False
    for index, (w, h) in enumerate(zip(want, have, strict=True)):
        if index == 2 and have[1] == "headers":
            w, h = w.lower(), h.lower()
        if w != h and not (is_glob(w) and fnmatch.fnmatchcase(h, w)):
            return False
    return True


def accepts(accept: Matcher, seen: Seen | None) -> bool:
    """Whether a rule's `accept` matcher takes what the live record held at the path.
    Only exact matchers can be written there: a value, a SHA-256, or absent."""
    if seen is None:
        return False
    if accept.kind == "absent":
        return seen.digest is None
    if seen.digest is None:
        return False
    if accept.kind == "sha256":
        return accept.argument.lower() == seen.digest
    if accept.kind == "equals":
        wanted = sha256_hex(accept.argument)
        return wanted == seen.digest
    return False


class SharedRules:
    """Top-level rules indexed once per run: exact local names (what `drift baseline`
    writes, possibly thousands) by name, globs kept apart and matched per integration."""

    def __init__(self, rules: Iterable[IgnoreRule] = ()) -> None:
        self.exact: dict[str, list[IgnoreRule]] = {}
        self.globs: list[IgnoreRule] = []
        for rule in rules:
            if is_glob(rule.integration):
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
    changes: Iterable[Change],
    rules: list[IgnoreRule],
    today: datetime.date,
    used: set[IgnoreRule] | None = None,
) -> tuple[Change, ...]:
    """Mark changes that a live rule accepts as ignored; note the ones whose rule expired
    or accepts another value. Every rule whose path matched a change is added to `used`."""
    out = []
    for change in changes:
        matching = [r for r in rules if path_matches(r.path, change.path)]
        if used is not None:
            used.update(matching)
        if not matching or change.disposition == "ignored":
            out.append(change)
            continue
        current = [r for r in matching if r.until is None or today <= r.until]
        # a rule still in force wins over an expired one for the same finding
        fitting = [r for r in current if r.accept is None or accepts(r.accept, change.seen)]
        if fitting:
            rule = fitting[0]
            until = f" (until {rule.until.isoformat()})" if rule.until else ""
            note = _join(change.note, f"ignored: {rule.reason}{until}")
            out.append(replace(change, disposition="ignored", note=note))
        elif current:
            rule = current[0]
            note = f"the ignore rule at {rule.source.short} accepts another value: {rule.reason}"
            out.append(replace(change, note=_join(change.note, note)))
        else:
            rule = matching[0]
            assert rule.until is not None
            expired = f"ignore expired on {rule.until.isoformat()}: {rule.reason}"
            out.append(replace(change, note=_join(change.note, expired)))
    return tuple(out)


def stale_rules(
    declared: Iterable[DesiredIntegration],
    shared: Iterable[IgnoreRule],
    checked: set[str],
    used: set[IgnoreRule],
) -> list[IgnoreRule]:
    """Rules that matched no finding although every integration they cover was checked
    (in sync or drifted): safe to delete. A rule covering an integration that was not
    selected, not found or failed is never called stale: its finding may still exist."""
    items = list(declared)
    out = [r for i in items if i.name in checked for r in i.ignores if r not in used]
    names = [i.name for i in items]
    for rule in shared:
        if rule in used:
            continue
        covered = [n for n in names if fnmatch.fnmatchcase(n, rule.integration)]
        if all(n in checked for n in covered):  # a glob that covers nothing is stale too
            out.append(rule)
    return sorted(out, key=lambda r: (r.source, r.path))


def _join(note: str | None, extra: str) -> str:
    return f"{note}; {extra}" if note else extra
