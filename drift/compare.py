"""`drift compare`: what a change to the spec means, field by field, offline."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass

from drift import gitread, yamlload
from drift.desired import DesiredIntegration
from drift.errors import Location, SpecError
from drift.model import Change
from drift.spec import Spec, build_spec, load_spec


@dataclass(frozen=True)
class SpecChange:
    """One integration added, removed or changed between two versions of the spec."""

    name: str
    kind: str  # added | removed | changed
    ids: str
    source: Location
    changes: tuple[Change, ...] = ()


@dataclass
class Review:
    base: str
    head: str
    items: list[SpecChange]

    def counts(self) -> dict[str, int]:
        return {
            k: sum(1 for i in self.items if i.kind == k) for k in ("added", "removed", "changed")
        }


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


def _fields(item: DesiredIntegration) -> dict[str, str]:
    out = {
        "/integrationId": item.integration_id,
        "/authType": item.auth_type,
        "/extraHeaders": item.extra_headers,
    }
    if item.auth_id:
        out["/authId"] = item.auth_id
    if item.tags:
        out["/tags"] = ", ".join(sorted(item.tags))
    for header in item.headers or ():
        out[f"/headers/{header.name.lower()}"] = header.matcher.expected_text(header.secret)
    if item.headers is None:
        out["/headers"] = "(not checked)"
    return out


def _spelled(path: str, *items: DesiredIntegration) -> str:
    if not path.startswith("/headers/"):
        return path
    for item in items:
        for header in item.headers or ():
            if f"/headers/{header.name.lower()}" == path:
                return f"/headers/{header.name}"
    return path


def _field_changes(base: DesiredIntegration, head: DesiredIntegration) -> tuple[Change, ...]:
    old, new = _fields(base), _fields(head)
    changes = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        kind = (
            "changed"
            if before is not None and after is not None
            else ("added" if after is not None else "removed")
        )
        shown = _spelled(path, head, base)
        changes.append(
            Change(
                kind, shown, before, after, head.field_source(shown) if after is not None else None
            )
        )
    return tuple(changes)


def compare_specs(base: Spec, head: Spec, base_name: str, head_name: str) -> Review:
    old = {i.name: i for i in base.integrations}
    new = {i.name: i for i in head.integrations}
    items = []
    for name in sorted(set(old) | set(new)):
        if name not in old:
            items.append(SpecChange(name, "added", new[name].ids, new[name].source))
        elif name not in new:
            items.append(SpecChange(name, "removed", old[name].ids, old[name].source))
        else:
            changes = _field_changes(old[name], new[name])
            if changes:
                items.append(SpecChange(name, "changed", new[name].ids, new[name].source, changes))
    return Review(base_name, head_name, items)


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
    base_spec.integrations.sort(key=lambda i: i.name)
    return compare_specs(base_spec, head, f"{ref}:{' '.join(paths)}", " ".join(paths))
