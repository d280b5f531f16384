"""`drift apply`: a plan file in; after the safety rails, PATCH, read back, report."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from drift.cli.common import color_wanted, emit, epilog, parse_reports, report_option
from drift.cli.options import api_from, api_options
from drift.errors import FetchError, UsageError
from drift.fileio import check_distinct
from drift.live.settings import ApiOptions
from drift.reporters import formats

if TYPE_CHECKING:
    from drift.model.plan import Plan


def stdin_is_tty() -> bool:
    """Whether someone can be asked; tests replace it."""
    return sys.stdin is not None and sys.stdin.isatty()


def ask(question: str) -> str:
    """Ask on the terminal (stderr, so stdout stays the report); tests replace it."""
    answer: str = click.prompt(question, default="", show_default=False, err=True)
    return answer


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


@dataclass(frozen=True)
class ApplyOptions:
    plan_file: str
    auto_approve: bool
    max_changes: int | None
    fmt: str | None
    reports: list[tuple[str, str]]
    verbose: bool
    api: ApiOptions


def execute(options: ApplyOptions) -> int:
    from drift.commands.apply import apply_plan, preflight
    from drift.live.settings import settings_from
    from drift.reporters.outputs import write_outputs
    from drift.reporters.planfile import read_plan

    outputs = [path for _, path in options.reports]
    check_distinct(outputs, [Path(options.plan_file)], "--report", "plan file")
    plan = read_plan(options.plan_file)
    settings = settings_from(options.api, os.environ)
    env = preflight(plan, settings.base_url, os.environ, options.max_changes)
    if plan.updates:
        _approve(plan, options.auto_approve)
    applied = apply_plan(plan, settings, env)
    write_outputs(
        applied.report,
        options.fmt,
        options.reports,
        verbose=options.verbose,
        color=color_wanted(),
        emit=emit,
    )
    if applied.interrupted is not None:
        raise applied.interrupted
    if applied.report.stopped:
        raise FetchError(applied.report.stopped)
    return int(applied.report.exit_code)


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
    "--format",
    "fmt",
    type=click.Choice(formats("report")),
    help="Report format on stdout [default: text].",
)
@report_option("Also write the apply report in FORMAT to PATH (repeatable).")
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
    return execute(
        ApplyOptions(
            plan_file=plan_file,
            auto_approve=auto_approve,
            max_changes=max_changes,
            fmt=fmt,
            reports=parse_reports(reports),
            verbose=verbose,
            api=api_from(kwargs),
        )
    )
