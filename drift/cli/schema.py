"""`drift schema`: the published JSON Schemas, on stdout or into a file."""

from __future__ import annotations

from pathlib import Path

import click

from drift.cli.common import emit, epilog
from drift.errors import ExitCode


@click.command(
    "schema",
    epilog=epilog("drift schema -o .drift/spec.schema.json   # for the editor modeline"),
)
@click.option(
    "--which",
    type=click.Choice(["spec", "report", "plan"]),
    default="spec",
    show_default=True,
    help="Which JSON Schema to print.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write it to FILE (whole or not at all; its folder is created) instead of stdout.",
)
def schema_command(which: str, output: str | None) -> int:
    """Print the JSON Schema (2020-12) of the spec language, the JSON report or the plan
    file.

    Editors find the spec schema through the first line of a spec,
    `# yaml-language-server: $schema=PATH` (PATH relative to the spec file); `-o` puts a
    copy where that line can point, offline.
    """
    from drift.schemas import PLAN_SCHEMA, REPORT_SCHEMA, SPEC_SCHEMA, schema_text

    names = {"spec": SPEC_SCHEMA, "report": REPORT_SCHEMA, "plan": PLAN_SCHEMA}
    text = schema_text(names[which])
    if output is None:
        emit(text)
        return ExitCode.OK
    from drift.errors import UsageError
    from drift.fileio import check_output_path, write_atomic

    folder = Path(output).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create folder {folder}: {exc.strerror or exc}") from None
    check_output_path(output, "the schema")
    write_atomic(output, text)
    click.echo(f"wrote the {which} schema to {output}", err=True)
    return ExitCode.OK
