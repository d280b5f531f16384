"""Pieces every command shares: help epilogs, output, API options."""

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
    from drift.fetch import FetchSettings

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
    from drift.color import color_wanted as wanted

    return wanted(str(run_state["color"]), os.environ, sys.stdout.isatty())


F = TypeVar("F", bound=Callable[..., Any])


class FiniteRange(click.FloatRange):
    """A float range that also refuses nan and inf (which compare as inside any range)."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


_API_OPTIONS = [
    click.option(
        "--base-url",
        metavar="URL",
        help="API base URL [env SIGMAMIND_BASE_URL; default "
        "https://api.sigmamind.ai]. Plain http:// only for loopback hosts.",
    ),
    click.option(
        "--api-key-env",
        default="SIGMAMIND_API_KEY",
        show_default=True,
        metavar="NAME",
        help="Environment variable that holds the API key.",
    ),
    click.option(
        "--timeout",
        type=FiniteRange(min=0.1, max=3600),
        default=10.0,
        show_default=True,
        help="Seconds a whole request may take: connect, headers and body.",
    ),
    click.option(
        "--retries",
        type=click.IntRange(min=0, max=20),
        default=3,
        show_default=True,
        help="Retries per request for 408, 429, 502, 503, 504 and connection errors.",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(min=1, max=256),
        default=10,
        show_default=True,
        help="Requests in flight at once.",
    ),
    click.option(
        "--max-rps",
        type=FiniteRange(min=0.1, max=100_000),
        default=None,
        help="Client-side rate limit, requests per second, shared by all workers.",
    ),
    click.option(
        "--deadline",
        type=FiniteRange(min=0.1, max=7 * 24 * 3600),
        default=None,
        metavar="SECONDS",
        help="Stop after this long; records not yet checked become errors.",
    ),
    click.option(
        "--max-response-bytes",
        type=click.IntRange(min=1024, max=1024**3),
        default=1024**2,
        show_default=True,
        metavar="N",
        help="Largest response body read (decompressed); a larger one is an error.",
    ),
]
API_KEYS = (
    "base_url",
    "api_key_env",
    "timeout",
    "retries",
    "concurrency",
    "max_rps",
    "deadline",
    "max_response_bytes",
)


def api_options(func: F) -> F:
    """The options of every command that talks to the API."""
    for option in reversed(_API_OPTIONS):
        func = option(func)
    return func


def pop_api_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: kwargs.pop(key) for key in API_KEYS}


def fetch_settings(opts: dict[str, Any]) -> FetchSettings:
    """FetchSettings from the API options and the environment (the key comes only from
    there). Raises before any request when the URL or the key is unusable."""
    from drift.errors import UsageError
    from drift.fetch import FetchSettings
    from drift.hosts import DEFAULT_BASE_URL, check_api_key, check_base_url, proxy_for
    from drift.secret import Secret

    # an empty value is a mistake (`--base-url "$UNSET"`), not a request for the default
    if opts["base_url"] is not None and not opts["base_url"].strip():
        raise UsageError("--base-url is empty")
    if not opts["api_key_env"].strip():
        raise UsageError("--api-key-env is empty")
    url = check_base_url(
        opts["base_url"] or os.environ.get("SIGMAMIND_BASE_URL") or DEFAULT_BASE_URL
    )
    proxy = proxy_for(url, os.environ)
    name = opts["api_key_env"]
    key = os.environ.get(name, "")
    check_api_key(key, name)
    return FetchSettings(
        base_url=url,
        api_key=Secret(key),
        api_key_env=name,
        timeout=opts["timeout"],
        retries=opts["retries"],
        concurrency=opts["concurrency"],
        max_rps=opts["max_rps"],
        deadline=opts["deadline"],
        max_response_bytes=opts["max_response_bytes"],
        proxy=proxy,
    )


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
