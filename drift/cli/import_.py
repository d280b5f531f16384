"""`drift import`: options in; the ids are planned, fetched and written as a spec."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import click

from drift.cli.common import emit, epilog
from drift.cli.options import api_from, api_options
from drift.errors import ExitCode
from drift.live.settings import ApiOptions


@dataclass(frozen=True)
class ImportOptions:
    ids: tuple[str, ...]
    id_file: tuple[str, list[str]] | None  # (name, lines) of --from-file
    output: str | None
    merge: bool
    api: ApiOptions


def execute(options: ImportOptions) -> int:
    from drift.commands.import_run import fetch_and_compose, plan_import
    from drift.fileio import write_atomic
    from drift.live.settings import settings_from

    plan = plan_import(options.ids, options.id_file, options.output, options.merge)
    for note in plan.notes:
        click.echo(note, err=True)
    if not plan.targets:
        return ExitCode.OK
    settings = settings_from(options.api, os.environ)
    text, count = fetch_and_compose(plan, settings, options.output or "<stdout>")
    if options.output:
        write_atomic(options.output, text)
        noun = "integration" if count == 1 else "integrations"
        click.echo(f"wrote {count} {noun} to {options.output}", err=True)
    else:
        emit(text)
    return ExitCode.OK


@click.command(
    "import",
    epilog=epilog(
        "drift import intg_AuUKK371Spr5:auth_P3kNz7Yv1Qm9 intg_Crm4Hs9Lk2Qa -o specs/live.yaml"
    ),
)
@click.argument("ids", nargs=-1, metavar="INTEGRATION_ID[:AUTH_ID]...")
@api_options
@click.option(
    "--from-file",
    "from_file",
    type=click.File("r", encoding="utf-8"),
    help="Read more ids from this file, one per line ('#' comments allowed).",
)
@click.option("-o", "--output", metavar="FILE", help="Write the spec here [default: stdout].")
@click.option(
    "--merge",
    is_flag=True,
    help="With -o on an existing spec: add new integrations, keep everything else.",
)
def import_command(
    ids: tuple[str, ...], from_file: Any, output: str | None, merge: bool, **kwargs: Any
) -> int:
    """Write a valid spec from live records: local names from the integrations' names,
    a comment with each live name and updatedAt, secret header values as {sha256: ...}."""
    id_file = (from_file.name, from_file.read().splitlines()) if from_file else None
    return execute(ImportOptions(ids, id_file, output, merge, api_from(kwargs)))
