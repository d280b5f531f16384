"""Pieces every command shares: help epilogs, output streams, colour, the debug flag."""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

if TYPE_CHECKING:
    from drift.errors import OutputError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = """\b
Exit codes (the same for every command):
  0    in sync / valid
  1    drift found
  2    usage or spec error
  3    check incomplete (network, API, credentials, internal error)
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM)
"""

# per run, set by the group's options: --debug (bool) and --color (auto|always|never)
run_state: dict[str, Any] = {"debug": False, "color": "auto"}


def epilog(example: str) -> str:
    return f"\b\nExample:\n  {example}\n\n{EXIT_CODES}"


def emit(text: str, err: bool = False) -> None:
    """Write report text exactly as rendered. A closed pipe or a full disk on stdout is
    one clear error, not a traceback."""
    stream = sys.stderr if err else sys.stdout
    try:
        # when colour is wanted without a terminal (FORCE_COLOR, --color always), click
        # must not strip it; otherwise click's own stripping stays as it was
        keep = True if not err and color_wanted() else None
        click.echo(text, nl=False, err=err, color=keep)
        stream.flush()
    except OSError as exc:
        raise output_failed(stream, exc.strerror or str(exc)) from None


def silence(stream: TextIO) -> None:
    """Point a stream that failed at the null device, so that Python's own flush at exit
    does not fail on it again (and print "Exception ignored ...")."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)


def output_failed(stream: TextIO, reason: str) -> OutputError:
    """The one error for output that cannot be written; the stream is silenced."""
    from drift.errors import OutputError

    silence(stream)
    return OutputError(f"cannot write the output: {reason}")


def color_wanted() -> bool:
    """Whether stdout's text report is coloured: --color, NO_COLOR, FORCE_COLOR, a TTY."""
    from drift.cli.color import color_wanted as wanted

    return wanted(str(run_state["color"]), os.environ, sys.stdout.isatty())


class FiniteRange(click.FloatRange):
    """A float range that also refuses nan and inf (which compare as inside any range)."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def parse_reports(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """`--report FORMAT=PATH` values, checked before any request: a known format and a
    folder that exists."""
    from drift.errors import UsageError
    from drift.fileio import check_output_path
    from drift.reporters import FORMATS

    out = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or not path or fmt not in FORMATS:
            raise click.BadParameter(
                f"{value!r}: expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}",
                param_hint="'--report'",
            )
        try:
            check_output_path(path, "report")
        except UsageError as exc:
            raise click.BadParameter(str(exc), param_hint="'--report'") from None
        out.append((fmt, path))
    return out


def report_option(help: str) -> Callable[[F], F]:
    """`--report FORMAT=PATH` (repeatable) of the commands that write reports; the values
    are checked by parse_reports."""
    return click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH", help=help)
