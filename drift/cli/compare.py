"""`drift compare`: two versions of the spec in, the review out; offline."""

from __future__ import annotations

import click

from drift.cli.common import emit, epilog
from drift.errors import ExitCode
from drift.reporters import formats, renderer


@click.command("compare", epilog=epilog("drift compare origin/main:specs specs --format markdown"))
@click.argument("base")
@click.argument("head")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("review")),
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
    from drift.commands.compare import compare

    review = compare(base, head)
    emit(renderer("review", fmt)(review))
    return ExitCode.DRIFT if exit_code and review.changed else ExitCode.OK
