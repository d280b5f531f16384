"""`drift import` as plain functions: which ids to fetch (and what a merge already has),
then fetch and compose the spec text. drift.commands.importer builds and renders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from drift.commands.importer import MergeBase, build, compose, merge_base, parse_ids
from drift.errors import UsageError
from drift.fileio import check_output_path
from drift.live.fetch import fetch_many
from drift.live.settings import FetchSettings
from drift.model.live import Target


@dataclass
class ImportPlan:
    """What an import will fetch, and the spec it adds to (with --merge)."""

    targets: list[Target]
    base: MergeBase | None = None
    notes: list[str] = field(default_factory=list)  # for stderr: what was skipped


def plan_import(
    ids: Sequence[str],
    id_file: tuple[str, Sequence[str]] | None,
    output: str | None,
    merge: bool,
) -> ImportPlan:
    """The ids to fetch, checked before any request: ids well formed, the output
    writable, an existing output only with --merge (and then what it already declares)."""
    if merge and not output:
        raise UsageError("--merge adds to the spec file given with -o; -o FILE is missing")
    targets = parse_ids(ids)
    if id_file is not None:
        name, lines = id_file
        targets += [t for t in parse_ids(lines, name) if t not in targets]
    if not targets:
        raise UsageError("no integration ids given")
    if output:
        check_output_path(output, "the spec")
    if not output or not Path(output).exists():
        return ImportPlan(targets)
    if not merge:
        raise UsageError(f"{output} exists; use --merge to add to it, or another -o")
    base = merge_base(output)
    fresh = [t for t in targets if not base.declares(t)]
    notes = []
    if len(fresh) < len(targets):
        notes.append(f"{len(targets) - len(fresh)} already declared in {output}; skipped")
    if not fresh:
        notes.append(f"nothing to add; {output} is unchanged")
    return ImportPlan(fresh, base, notes)


def fetch_and_compose(plan: ImportPlan, settings: FetchSettings, display: str) -> tuple[str, int]:
    """Fetch every record of the plan and write the spec text; returns it and how many
    integrations it adds. Any failure raises, and nothing is written."""
    targets = plan.targets
    # each integration once (for its name), plus each named auth record
    wanted = list(dict.fromkeys([Target(t.integration_id, None) for t in targets] + targets))
    fetched = dict(zip(wanted, fetch_many(wanted, settings)[0], strict=True))
    integrations = [fetched[Target(t.integration_id, None)] for t in targets]
    records = [fetched[t] if t.auth_id else None for t in targets]
    items = build(targets, integrations, records, plan.base.names if plan.base else set())
    return compose(items, plan.base, display), len(items)
