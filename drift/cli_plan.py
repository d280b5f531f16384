"""`drift plan` and `drift apply`: parse options, call drift.plan / drift.apply, exit."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from drift.cli_common import (
    API_KEYS,
    api_options,
    color_wanted,
    emit,
    epilog,
    fetch_settings,
    parse_reports,
    pop_api_options,
)
from drift.cli_live import _not_in_spec_folders, _run, _selection
from drift.errors import FetchError, OutputError, UsageError
from drift.fileio import check_distinct, check_output_path, staged
from drift.reporters import FORMATS

if TYPE_CHECKING:
    from drift.plan import Plan

PLAN_FORMATS = ("text", "markdown", "json")


def stdin_is_tty() -> bool:
    """Whether someone can be asked; tests replace it."""
    return sys.stdin is not None and sys.stdin.isatty()


def ask(question: str) -> str:
    """Ask on the terminal (stderr, so stdout stays the report); tests replace it."""
    answer: str = click.prompt(question, default="", show_default=False, err=True)
    return answer


def _plan_reports(values: tuple[str, ...]) -> list[tuple[str, str]]:
    extra = parse_reports(values)
    for fmt, _ in extra:
        if fmt not in PLAN_FORMATS:
            raise click.BadParameter(
                f"{fmt!r}: a plan is written as {', '.join(PLAN_FORMATS)}", param_hint="'--report'"
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
    type=click.Choice(PLAN_FORMATS),
    help="Plan format on stdout [default: text; in GitHub Actions the markdown goes to the "
    "step summary too].",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write the plan as text, markdown or json to PATH (repeatable).",
)
@_selection
@click.option("-v", "--verbose", is_flag=True, help="List records with nothing to do too.")
def plan_command(
    paths: tuple[str, ...],
    output: str | None,
    fmt: str | None,
    reports: tuple[str, ...],
    verbose: bool,
    **kwargs: Any,
) -> int:
    """Show what `drift apply` would change to make the live records match the spec
    (default: specs/): per record, no change, update in place (the header list it will
    send, secrets redacted) or cannot apply (and why). Nothing is changed.

    Exit 0 when there is nothing to do, 1 on drift, 3 when some record could not be read.
    """
    from drift.check import secrets_of
    from drift.plan import build_plan
    from drift.planfile import render
    from drift.reporters.plan import RENDERERS
    from drift.spec import discover, load_valid_spec

    spec_paths = list(paths) or ["specs"]
    extra = _plan_reports(reports)
    outputs = [path for _, path in extra] + ([output] if output else [])
    if output:
        check_output_path(output, "the plan")
    spec = load_valid_spec(spec_paths)
    spec_files = [path for path, _ in discover(spec_paths)[0]]
    check_distinct(outputs, spec_files, "-o/--report", "spec files being read")
    _not_in_spec_folders(outputs, spec_paths)
    settings = fetch_settings({key: kwargs[key] for key in API_KEYS})
    judged: list[Any] = []
    report = _run(spec, kwargs, keep=judged)
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
    files = [(path, RENDERERS[f](plan, verbose)) for f, path in extra]
    if output:
        files.append((output, render(plan)))
    with staged(files) as commit:
        emit(RENDERERS[fmt or "text"](plan, verbose))
        commit()
    if fmt is None and os.environ.get("GITHUB_ACTIONS") == "true":
        _step_summary(RENDERERS["markdown"](plan, verbose))
    if output:
        click.echo(f"wrote the plan to {output}", err=True)
    return int(plan.exit_code)


def _approve(plan: Plan, auto_approve: bool) -> None:
    """The plan may go ahead: --auto-approve, or a person typed `yes` on a terminal."""
    from drift.reporters.plan import render_text

    if auto_approve:
        return
    if not stdin_is_tty():
        raise UsageError(
            "refusing to apply without --auto-approve: stdin is not a terminal to ask on; "
            "nothing was sent"
        )
    click.echo(render_text(plan), err=True)
    count = len(plan.updates)
    question = (
        f"Apply {count} update{'s' if count != 1 else ''} to {plan.base_url}? Only 'yes' applies"
    )
    if ask(question).strip() != "yes":
        raise UsageError("apply cancelled; nothing was sent")


@click.command(
    "apply",
    epilog=epilog("drift apply drift-plan.json --auto-approve --report json=drift-apply.json"),
)
@click.argument("plan_file", metavar="PLAN.json")
@api_options
@click.option(
    "--auto-approve",
    is_flag=True,
    help="Apply without asking. Without it, drift shows the plan and asks on a terminal, "
    "and refuses when stdin is not one.",
)
@click.option(
    "--max-changes",
    type=click.IntRange(min=0),
    metavar="N",
    help="Refuse the whole plan when it updates more than N records [default: a quarter of "
    "the records in the plan, at least 1].",
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Report format on stdout [default: text]."
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write the apply report in FORMAT to PATH (repeatable).",
)
@click.option("-v", "--verbose", is_flag=True, help="List records left in sync too.")
def apply_command(
    plan_file: str,
    auto_approve: bool,
    max_changes: int | None,
    fmt: str | None,
    reports: tuple[str, ...],
    verbose: bool,
    **kwargs: Any,
) -> int:
    """Apply a plan file written by `drift plan -o`: read every record again, leave
    alone the ones that changed since (stale), PATCH the headers of the others one by
    one, and read each back to verify it.

    Exit 0 when everything planned is applied and verified, 1 when drift remains
    (cannot apply, stale), 3 on errors, 2 on bad input or a refused plan (nothing sent).
    """
    from drift.apply import apply_plan, preflight
    from drift.output import write_outputs
    from drift.planfile import read_plan

    extra = parse_reports(reports)
    check_distinct([path for _, path in extra], [Path(plan_file)], "--report", "plan file")
    plan = read_plan(plan_file)
    settings = fetch_settings(pop_api_options(kwargs))
    env = preflight(plan, settings.base_url, os.environ, max_changes)
    if plan.updates:
        _approve(plan, auto_approve)
    applied = apply_plan(plan, settings, env)
    write_outputs(applied.report, fmt, extra, verbose=verbose, color=color_wanted(), emit=emit)
    if applied.interrupted is not None:
        raise applied.interrupted
    if applied.report.stopped:
        raise FetchError(applied.report.stopped)
    return int(applied.report.exit_code)
