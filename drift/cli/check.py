"""`drift check`: options in, the core's Report out to stdout and every --report file."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from drift.cli.common import color_wanted, emit, epilog, parse_reports, report_option, run_state
from drift.cli.options import api_from, api_options, selection_from, selection_options
from drift.errors import ExitCode, FetchError, UsageError
from drift.judge.select import Selection, choose
from drift.live.settings import ApiOptions
from drift.reporters import formats

if TYPE_CHECKING:
    from drift.live.settings import FetchSettings
    from drift.model.desired import DesiredIntegration, Spec
    from drift.model.live import Fetched
    from drift.model.results import IntegrationResult, Report


@dataclass(frozen=True)
class CheckOptions:
    paths: list[str]
    fmt: str | None
    reports: list[tuple[str, str]]
    compare_base: str | None
    changed_since: str | None
    verbose: bool
    quiet: bool
    api: ApiOptions
    selection: Selection


def started(count: int) -> None:
    """With --debug: what start-up cost (interpreter, imports, the spec, the HTTP clients),
    for `make bench` and for anyone wondering where the time goes."""
    click.echo(
        f"drift: debug: start-up done: {time.process_time():.3f} s CPU, clock "
        f"{time.time():.6f}; checking {count} integrations",
        err=True,
    )


def not_in_spec_folders(outputs: list[str], spec_paths: list[str]) -> None:
    """A .yaml report inside a spec folder would be read as a spec by the next run."""
    from drift.spec.discover import SPEC_SUFFIXES

    folders = [Path(p).resolve() for p in spec_paths if Path(p).is_dir()]
    for path in outputs:
        target = Path(path).resolve()
        if target.suffix in SPEC_SUFFIXES and any(target.is_relative_to(f) for f in folders):
            raise UsageError(f"--report {path} is inside a spec folder: the next run would read it")


def run_checked(
    spec: Spec,
    selection: Selection,
    settings: FetchSettings,
    quiet: bool,
    keep: list[tuple[DesiredIntegration, Fetched, IntegrationResult]] | None = None,
) -> Report | None:
    """The check of a loaded spec, with the progress line on a terminal: what `check`,
    `baseline` and `plan` share."""
    from drift.cli.progress import Progress
    from drift.commands.check import check_spec

    progress = Progress(len(spec.integrations), enabled=not quiet)
    try:
        return check_spec(
            spec,
            selection,
            settings,
            os.environ,
            on_done=progress.update,
            on_start=started if run_state["debug"] else None,
            keep=keep,
        )
    finally:
        progress.close()


def execute(options: CheckOptions) -> int:
    from drift.fileio import check_distinct
    from drift.reporters.outputs import write_outputs
    from drift.spec.discover import discover
    from drift.spec.load import load_valid_spec

    spec = load_valid_spec(options.paths)
    outputs = [path for _, path in options.reports]
    spec_files = [path for path, _ in discover(options.paths)[0]]
    check_distinct(outputs, spec_files, "--report", "spec files being read")
    not_in_spec_folders(outputs, options.paths)
    selection = options.selection
    if options.changed_since:
        from drift.commands.changed import changed_since

        names, note = changed_since(options.changed_since, options.paths, spec)
        if note:
            click.echo(f"drift: note: {note}", err=True)
        selection = replace(selection, changed=frozenset(names))
        if not choose(spec.integrations, selection)[0]:
            # a pull request that changes no integration must pass: exit 0, one line, no
            # request and no key needed
            click.echo(
                f"drift: no integration changed since {options.changed_since}; nothing to check",
                err=True,
            )
            return ExitCode.OK
    review = None
    if options.compare_base:
        from drift.commands.compare import compare_base_view

        review = compare_base_view(options.compare_base, options.paths, spec)
    from drift.live.settings import settings_from

    settings = settings_from(options.api, os.environ)
    report = run_checked(spec, selection, settings, options.quiet)
    assert report is not None  # --changed-since selecting nothing returned above
    # a run stopped early still writes every report (a nightly dashboard gets a result),
    # then says why in one line
    write_outputs(
        report,
        options.fmt,
        options.reports,
        verbose=options.verbose,
        color=color_wanted(),
        emit=emit,
        review=review,
    )
    if report.stopped:
        raise FetchError(report.stopped)
    return int(report.exit_code)


@click.command(
    "check",
    epilog=epilog(
        "SIGMAMIND_API_KEY=... drift check specs/ --report json=drift.json --report junit=drift.xml"
    ),
)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@api_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("report")),
    help="Report format on stdout [default: text].",
)
@report_option("Also write a report in FORMAT to PATH (repeatable), from the same run.")
@click.option(
    "--compare-base",
    metavar="GIT_REF",
    help="Also show what this change does to the spec against GIT_REF (offline).",
)
@click.option(
    "--changed-since",
    "changed_since",
    metavar="GIT_REF",
    help="Check only integrations whose desired state (ignore rules included) differs from "
    "GIT_REF, or that are new since; none: exit 0. Needs the git history of GIT_REF.",
)
@selection_options
@click.option("-v", "--verbose", is_flag=True, help="List in-sync integrations too.")
def check_command(
    paths: tuple[str, ...],
    fmt: str | None,
    reports: tuple[str, ...],
    compare_base: str | None,
    changed_since: str | None,
    verbose: bool,
    quiet: bool,
    **kwargs: Any,
) -> int:
    """Compare the spec (default: specs/) with the live SigmaMind auth records.

    Exit 0 when everything is in sync, 1 on drift or a missing record, 3 when some
    record could not be checked.
    """
    return execute(
        CheckOptions(
            paths=list(paths) or ["specs"],
            fmt=fmt,
            reports=parse_reports(reports),
            compare_base=compare_base,
            changed_since=changed_since,
            verbose=verbose,
            quiet=quiet,
            api=api_from(kwargs),
            selection=selection_from(kwargs),
        )
    )
