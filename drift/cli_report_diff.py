"""`drift report diff OLD.json NEW.json`: the command line only; the work is in drift.reportdiff."""

from __future__ import annotations

import click

from drift.cli_common import emit, epilog


@click.command(
    "diff",
    epilog=epilog("drift report diff last-night.json drift.json --format markdown"),
)
@click.argument("old", metavar="OLD.json")
@click.argument("new", metavar="NEW.json")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def diff_command(old: str, new: str, fmt: str) -> int:
    """Show the findings NEW has that OLD did not, those resolved since, and those still
    present: drift, records not found, records not checked (warnings and ignored findings
    are not compared). Exit 1 when NEW has a finding OLD did not, else 0."""
    from drift.reportdiff import diff_files
    from drift.reporters.reportdiff import RENDERERS

    diff = diff_files(old, new)
    emit(RENDERERS[fmt](diff))
    return int(diff.exit_code)
