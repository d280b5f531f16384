"""`check --changed-since GIT_REF`: the option and its message; the work is in drift.changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from drift.spec import Spec

changed_since_option = click.option(
    "--changed-since",
    "changed_since",
    metavar="GIT_REF",
    help="Check only integrations whose desired state (ignore rules included) differs from "
    "GIT_REF, or that are new since; none: exit 0. Needs the git history of GIT_REF.",
)


def changed_names(ref: str | None, paths: Sequence[str], spec: Spec) -> set[str] | None:
    """The names `--changed-since` lets through (None: the option was not given)."""
    if ref is None:
        return None
    from drift.changed import changed_since

    names, note = changed_since(ref, paths, spec)
    if note:
        click.echo(f"drift: note: {note}", err=True)
    return names


def nothing_changed(ref: str) -> None:
    # a pull request that changes no integration must pass: exit 0, one line
    click.echo(f"drift: no integration changed since {ref}; nothing to check", err=True)


def selected_changed(items: list[Any], names: set[str] | None) -> list[Any]:
    return items if names is None else [item for item in items if item.name in names]
