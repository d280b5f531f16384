"""`drift baseline`: options in; the check runs and today's drift is written as rules."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from drift.cli.check import run_checked
from drift.cli.common import epilog
from drift.cli.options import api_from, api_options, selection_from, selection_options
from drift.errors import FetchError
from drift.judge.select import Selection
from drift.live.settings import ApiOptions, settings_from


@dataclass(frozen=True)
class BaselineOptions:
    paths: list[str]
    output: str | None
    until: datetime.date | None
    quiet: bool
    api: ApiOptions
    selection: Selection


def execute(options: BaselineOptions) -> int:
    from drift.commands.baseline import exit_code, last_day, prepare, render_baseline
    from drift.fileio import write_atomic
    from drift.spec.load import load_valid_spec

    target, previous = prepare(options.paths, options.output)
    today = datetime.date.today()
    until = last_day(today, options.until)
    spec = load_valid_spec(options.paths, target)
    report = run_checked(
        spec, options.selection, settings_from(options.api, os.environ), options.quiet
    )
    assert report is not None  # only --changed-since (not a baseline option) selects none
    if report.stopped:
        raise FetchError(report.stopped)  # a stopped run is no basis for a baseline
    baseline = render_baseline(report, today, until, previous)
    write_atomic(target, baseline.text)
    count = baseline.written
    kept = (
        f"; kept {baseline.kept} earlier rule(s) of integrations not checked"
        if baseline.kept
        else ""
    )
    click.echo(
        f"wrote {count} ignore rule{'s' if count != 1 else ''} to {target} (until {until}){kept}",
        err=True,
    )
    if any(Path(p).is_file() for p in options.paths) and not options.output:
        click.echo(
            f"note: only a spec folder loads {target.name} by itself; for a single "
            f"file run: drift check {' '.join(options.paths)} {target}",
            err=True,
        )
    if baseline.skipped:
        click.echo(
            f"{baseline.skipped} integration(s) not found or not checked cannot be baselined; "
            "fix or remove them in the spec",
            err=True,
        )
    return int(exit_code(report))


@click.command(
    "baseline",
    epilog=epilog("drift baseline specs/ --until 2027-03-31 && git add specs/drift-baseline.yaml"),
)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@api_options
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Where to write [default: drift-baseline.yaml in the first spec folder].",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day the baseline entries apply [default: 90 days from today].",
)
@selection_options
def baseline_command(
    paths: tuple[str, ...],
    output: str | None,
    until: datetime.datetime | None,
    quiet: bool,
    **kwargs: Any,
) -> int:
    """Write today's drift as ignore rules to a baseline file the spec loads, so a team
    can adopt drift on a drifted account and burn the list down."""
    return execute(
        BaselineOptions(
            paths=list(paths) or ["specs"],
            output=output,
            until=until.date() if until else None,
            quiet=quiet,
            api=api_from(kwargs),
            selection=selection_from(kwargs),
        )
    )
