"""`drift compare`: what a change to the spec means, field by field, offline.

Both sides become plain documents and go through the one diff engine (drift.judge.diff), so
"what changed" is decided in one place for check and compare alike. What can turn drift
into a pass (an ignore rule added or extended, `extraHeaders` relaxed, a matcher widened,
a header or all headers no longer checked) is marked as a loosening.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

from drift.errors import SpecError
from drift.judge.diff import Difference, differences
from drift.model.desired import (
    NOT_CHECKED,
    DesiredHeader,
    DesiredIntegration,
    document,
    rules_document,
)
from drift.model.results import Change
from drift.model.review import Review, SpecChange
from drift.spec import gitread, yamlload
from drift.spec.load import Spec, build_spec, load_spec

_EXTRA_RANK = {"fail": 0, "warn": 1, "ignore": 2}
# how much a matcher accepts: fewer values is stricter
_MATCHER_RANK = {"equals": 0, "sha256": 0, "env": 0, "absent": 0, "pattern": 1, "present": 2}


def load_side(side: str) -> Spec:
    """A spec from a path or from `GIT_REF:PATH`; invalid → SpecError."""
    if gitread.is_git_side(side):
        ref, path = gitread.split_side(side)
        files = gitread.git_files(ref, path)
        spec, problems = build_spec(
            (display, functools.partial(yamlload.parse, text, display)) for display, text in files
        )
    else:
        spec, problems = load_spec([side])
    if problems:
        raise SpecError(problems)
    return spec


def _header(item: DesiredIntegration | None, lowered: str) -> DesiredHeader | None:
    for header in (item.headers if item else None) or ():
        if header.name.lower() == lowered:
            return header
    return None


def _loosening(found: Difference, old: DesiredIntegration | None, new: DesiredIntegration) -> bool:
    """Whether this change can turn drift into a pass. A new integration only adds checks."""
    if old is None:
        return False
    head = found.parts[0]
    if head == "ignore":
        return found.kind != "removed"
    if head == "extraHeaders":
        return _EXTRA_RANK[str(found.after)] > _EXTRA_RANK[str(found.before)]
    if head != "headers":
        return False
    if len(found.parts) == 1:
        return bool(found.after == NOT_CHECKED)
    if found.kind == "removed":
        return True  # a declared header is no longer compared
    was, now = _header(old, found.parts[1]), _header(new, found.parts[1])
    if found.kind != "changed" or was is None or now is None:
        return False
    before, after = _MATCHER_RANK[was.matcher.kind], _MATCHER_RANK[now.matcher.kind]
    return after > before or (now.matcher.kind == "pattern" and was.matcher != now.matcher)


def _path(found: Difference, *items: DesiredIntegration | None) -> str:
    parts = list(found.parts)
    if parts[0] == "headers" and len(parts) == 2:
        for item in items:
            header = _header(item, parts[1])
            if header is not None:
                parts[1] = header.name
                break
    if parts[0] == "ignore":
        return f"ignore {parts[1]}"  # rules are keyed by their path: show it as written
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _changes(old: DesiredIntegration | None, new: DesiredIntegration) -> tuple[Change, ...]:
    before = document(old) if old is not None else {}
    out = []
    for found in differences(before, document(new)):
        path = _path(found, new, old)
        source = new.field_source(path) if found.kind != "removed" else None
        out.append(
            Change(
                found.kind,
                path,
                found.before,
                found.after,
                source,
                loosening=_loosening(found, old, new),
            )
        )
    return tuple(out)


def _rule_changes(base: Spec, head: Spec) -> tuple[Change, ...]:
    old, new = rules_document(base.ignores, True), rules_document(head.ignores, True)
    sources = {f"{r.integration} {r.path}": r.source for r in head.ignores}
    return tuple(
        Change(
            d.kind,
            f"ignore {d.parts[0]}",
            d.before,
            d.after,
            sources.get(d.parts[0]) if d.kind != "removed" else None,
            loosening=d.kind != "removed",
        )
        for d in differences(old, new)
    )


def compare_specs(base: Spec, head: Spec, base_name: str, head_name: str) -> Review:
    old = {i.name: i for i in base.integrations}
    new = {i.name: i for i in head.integrations}
    # the same record under another local name is a rename, not a removal and an addition
    old_by_key = {i.key: i for i in base.integrations if i.name not in new}
    renamed = {
        i.name: old_by_key[i.key]
        for i in head.integrations
        if i.name not in old and i.key in old_by_key
    }
    gone = {i.name for i in renamed.values()}
    items = []
    for name in sorted(set(old) | set(new)):
        if name in new and name in renamed:
            was = renamed[name]
            items.append(
                SpecChange(
                    name,
                    "renamed",
                    new[name].ids,
                    new[name].source,
                    _changes(was, new[name]),
                    renamed_from=was.name,
                )
            )
        elif name not in old:
            items.append(
                SpecChange(
                    name, "added", new[name].ids, new[name].source, _changes(None, new[name])
                )
            )
        elif name not in new:
            if name not in gone:
                items.append(SpecChange(name, "removed", old[name].ids, old[name].source))
        else:
            changes = _changes(old[name], new[name])
            if changes:
                items.append(SpecChange(name, "changed", new[name].ids, new[name].source, changes))
    return Review(base_name, head_name, items, _rule_changes(base, head))


def compare(base: str, head: str) -> Review:
    return compare_specs(load_side(base), load_side(head), base, head)


def compare_base_view(ref: str, paths: Sequence[str], head: Spec) -> Review:
    """For `check --compare-base REF`: the same paths at REF against `head`, the spec the
    check already loaded from the working tree."""
    base_spec = Spec()
    for path in paths:
        # the working tree's path, as git sees it from here (absolute paths too)
        # both sides resolved: a symlinked workspace (macOS /tmp, CI) is still inside
        here = os.path.relpath(os.path.realpath(path), os.path.realpath(os.getcwd()))
        side = load_side(f"{ref}:{here}")
        base_spec.integrations.extend(side.integrations)
        base_spec.files.extend(side.files)
        base_spec.ignores.extend(side.ignores)
    base_spec.integrations.sort(key=lambda i: i.name)
    return compare_specs(base_spec, head, f"{ref}:{' '.join(paths)}", " ".join(paths))
