"""`drift report merge` and `drift report diff`: saved JSON reports in; one merged report,
or what is new, resolved and still there."""

from __future__ import annotations

from pathlib import Path

import click

from drift.cli.common import color_wanted, emit, epilog, parse_reports, report_option
from drift.reporters import formats, renderer


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
    type=click.Choice(formats("report")),
    default="text",
    show_default=True,
    help="Format on stdout.",
)
@report_option("Also write the merged report in FORMAT to PATH (repeatable).")
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
    from drift.commands.merge import merge
    from drift.fileio import check_distinct
    from drift.reporters.outputs import write_outputs

    extra = parse_reports(reports)
    check_distinct(
        [path for _, path in extra], [Path(f) for f in files], "--report", "reports being merged"
    )
    report = merge(files, allow_partial)
    write_outputs(report, fmt, extra, verbose=verbose, color=color_wanted(), emit=emit)
    return report.exit_code


@report_group.command(
    "diff",
    epilog=epilog("drift report diff last-night.json drift.json --format markdown"),
)
@click.argument("old", metavar="OLD.json")
@click.argument("new", metavar="NEW.json")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("report-diff")),
    default="text",
    show_default=True,
    help="Output format.",
)
def diff_command(old: str, new: str, fmt: str) -> int:
    """Show the findings NEW has that OLD did not, those resolved since, and those still
    present: drift, records not found, records not checked (warnings and ignored findings
    are not compared). Exit 1 when NEW has a finding OLD did not, else 0."""
    from drift.commands.report_diff import diff_files

    diff = diff_files(old, new)
    emit(renderer("report-diff", fmt)(diff))
    return int(diff.exit_code)
