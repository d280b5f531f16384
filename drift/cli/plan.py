"""`drift plan`: options in; the check runs and the plan is printed and written."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

import click

from drift.cli.check import not_in_spec_folders, run_checked
from drift.cli.common import emit, epilog, parse_reports, report_option
from drift.cli.options import api_from, api_options, selection_from, selection_options
from drift.errors import FetchError, OutputError
from drift.fileio import check_distinct, check_output_path, staged
from drift.judge.select import Selection
from drift.live.settings import ApiOptions
from drift.reporters import formats


def _plan_reports(values: tuple[str, ...]) -> list[tuple[str, str]]:
    extra = parse_reports(values)
    for fmt, _ in extra:
        if fmt not in formats("plan"):
            raise click.BadParameter(
                f"{fmt!r}: a plan is written as {', '.join(formats('plan'))}",
                param_hint="'--report'",
            )
    return extra


def _step_summary(markdown: str) -> None:
    """In GitHub Actions, the plan goes to the job's summary too (appended, as GitHub
    expects: other steps write there as well)."""
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_file:
        return
    try:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    except OSError as exc:
        raise OutputError(f"cannot write {summary_file}: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class PlanOptions:
    paths: list[str]
    output: str | None
    fmt: str | None
    reports: list[tuple[str, str]]
    verbose: bool
    quiet: bool
    api: ApiOptions
    selection: Selection


def execute(options: PlanOptions) -> int:
    from drift.commands.check import secrets_of
    from drift.commands.plan import build_plan
    from drift.live.settings import settings_from
    from drift.reporters import renderer
    from drift.reporters.planfile import render
    from drift.spec.load import discover, load_valid_spec

    outputs = [path for _, path in options.reports] + ([options.output] if options.output else [])
    if options.output:
        check_output_path(options.output, "the plan")
    spec = load_valid_spec(options.paths)
    spec_files = [path for path, _ in discover(options.paths)[0]]
    check_distinct(outputs, spec_files, "-o/--report", "spec files being read")
    not_in_spec_folders(outputs, options.paths)
    settings = settings_from(options.api, os.environ)
    judged: list[Any] = []
    report = run_checked(spec, options.selection, settings, options.quiet, keep=judged)
    assert report is not None  # only --changed-since (not a plan option) selects none
    if report.stopped:
        raise FetchError(report.stopped)  # a stopped run is no basis for a plan
    items, fetched = [i for i, _, _ in judged], [f for _, f, _ in judged]
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    plan = build_plan(
        report,
        judged,
        secrets_of(items, fetched, settings),
        now.isoformat().replace("+00:00", "Z"),
    )
    files = [(path, renderer("plan", f)(plan, options.verbose)) for f, path in options.reports]
    if options.output:
        files.append((options.output, render(plan)))
    with staged(files) as commit:
        emit(renderer("plan", options.fmt or "text")(plan, options.verbose))
        commit()
    if options.fmt is None and os.environ.get("GITHUB_ACTIONS") == "true":
        _step_summary(renderer("plan", "markdown")(plan, options.verbose))
    if options.output:
        click.echo(f"wrote the plan to {options.output}", err=True)
    return int(plan.exit_code)


@click.command(
    "plan",
    epilog=epilog("SIGMAMIND_API_KEY=... drift plan specs/ -o drift-plan.json"),
)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@api_options
@click.option(
    "-o", "--output", metavar="PLAN.json", help="Write the plan file `drift apply` reads."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("plan")),
    help="Plan format on stdout [default: text; in GitHub Actions the markdown goes to the "
    "step summary too].",
)
@report_option("Also write the plan as text, markdown or json to PATH (repeatable).")
@selection_options
@click.option("-v", "--verbose", is_flag=True, help="List records with nothing to do too.")
def plan_command(
    paths: tuple[str, ...],
    output: str | None,
    fmt: str | None,
    reports: tuple[str, ...],
    verbose: bool,
    quiet: bool,
    **kwargs: Any,
) -> int:
    """Show what `drift apply` would change to make the live records match the spec
    (default: specs/): per record, no change, update in place (the header list it will
    send, secrets redacted) or cannot apply (and why). Nothing is changed.

    Exit 0 when there is nothing to do, 1 on drift, 3 when some record could not be read.
    """
    return execute(
        PlanOptions(
            paths=list(paths) or ["specs"],
            output=output,
            fmt=fmt,
            reports=_plan_reports(reports),
            verbose=verbose,
            quiet=quiet,
            api=api_from(kwargs),
            selection=selection_from(kwargs),
        )
    )
