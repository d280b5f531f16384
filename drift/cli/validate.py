"""`drift validate`: spec files in, every problem at its FILE:LINE:COL out; offline."""

from __future__ import annotations

import os

import click

from drift.cli.common import emit, epilog
from drift.errors import ExitCode
from drift.reporters import formats, renderer


@click.command("validate", epilog=epilog("drift validate specs/prod.yaml --format github"))
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats("problems")),
    help="Output format [default: text; in GitHub Actions text plus github annotations].",
)
def validate_command(paths: tuple[str, ...], fmt: str | None) -> int:
    """Check spec files or folders offline (default: specs/). Every problem is shown
    as FILE:LINE:COL: PATH: message."""
    from drift.spec.load import load_spec

    spec, problems = load_spec(list(paths) or ["specs"])
    if fmt is None and os.environ.get("GITHUB_ACTIONS") == "true":
        # as `check` does there: the lines for the log, an annotation per problem for the
        # pull request's diff, then the summary line once
        emit("".join(f"{p}\n" for p in problems) + renderer("problems", "github")(spec, problems))
    else:
        emit(renderer("problems", fmt or "text")(spec, problems))
    return ExitCode.USAGE if problems else ExitCode.OK
