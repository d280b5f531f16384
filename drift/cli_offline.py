"""Commands that never touch the network: compare, report merge, schema."""

from __future__ import annotations

from pathlib import Path

import click

from drift.cli_common import color_wanted, emit, epilog, parse_reports
from drift.errors import ExitCode
from drift.reporters import FORMATS


@click.command("compare", epilog=epilog("drift compare origin/main:specs specs --format markdown"))
@click.argument("base")
@click.argument("head")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--exit-code",
    "exit_code",
    is_flag=True,
    help="Exit 1 when the desired state changed (default: 0, a review aid).",
)
def compare_command(base: str, head: str, fmt: str, exit_code: bool) -> int:
    """Show what changed in the desired state between two specs, field by field.

    Each side is a spec path or GIT_REF:PATH (read from git without a checkout).
    Offline: no credentials, no requests.
    """
    from drift.compare import compare
    from drift.reporters.review import RENDERERS

    review = compare(base, head)
    emit(RENDERERS[fmt](review))
    return ExitCode.DRIFT if exit_code and review.changed else ExitCode.OK


@click.group(
    "report", epilog=epilog("drift report merge shard-1.json shard-2.json --format markdown")
)
def report_group() -> None:
    """Work with saved JSON reports."""


@report_group.command(
    "merge",
    epilog=epilog("drift report merge shard-*.json --format markdown --report json=drift.json"),
)
@click.argument("files", nargs=-1, required=True, metavar="REPORT.json...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Format on stdout.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write the merged report in FORMAT to PATH (repeatable).",
)
@click.option(
    "--allow-partial",
    is_flag=True,
    help="Merge even when shards are missing or the reports come from different specs.",
)
@click.option("-v", "--verbose", is_flag=True, help="List in-sync integrations too.")
def merge_command(
    files: tuple[str, ...], fmt: str, reports: tuple[str, ...], allow_partial: bool, verbose: bool
) -> int:
    """Combine JSON reports (for example of `check --shard K/N` jobs) into one; the
    summary and exit code are recomputed."""
    from drift.fileio import check_distinct
    from drift.merge import merge
    from drift.output import write_outputs

    extra = parse_reports(reports)
    check_distinct(
        [path for _, path in extra], [Path(f) for f in files], "--report", "reports being merged"
    )
    report = merge(files, allow_partial)
    write_outputs(report, fmt, extra, verbose=verbose, color=color_wanted(), emit=emit)
    return report.exit_code


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
