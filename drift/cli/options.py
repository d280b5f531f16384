"""The options commands share, and how they become typed objects: API options
(ApiOptions), selectors (Selection) and `--report FORMAT=PATH` values."""

from __future__ import annotations

from typing import Any

import click

from drift.cli.common import F, FiniteRange
from drift.judge.select import Selection
from drift.live.settings import ApiOptions

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


def api_from(kwargs: dict[str, Any]) -> ApiOptions:
    """The API options, taken out of a command's keyword arguments."""
    return ApiOptions(**{key: kwargs.pop(key) for key in API_KEYS})


_SELECTION_OPTIONS = [
    click.option(
        "--only",
        multiple=True,
        metavar="GLOB",
        help="Check only integrations whose local name matches (repeatable).",
    ),
    click.option(
        "--exclude",
        multiple=True,
        metavar="GLOB",
        help="Skip integrations whose local name matches (repeatable).",
    ),
    click.option(
        "--tag",
        "tags",
        multiple=True,
        metavar="TAG",
        help="Check only integrations with this tag (repeatable: any of them).",
    ),
    click.option(
        "--shard",
        metavar="K/N",
        help="Check only shard K of N (1-based), by a stable hash of the local name.",
    ),
    click.option("-q", "--quiet", is_flag=True, help="No progress indicator."),
]


def selection_options(func: F) -> F:
    """--only, --exclude, --tag, --shard and -q of the commands that check."""
    for option in reversed(_SELECTION_OPTIONS):
        func = option(func)
    return func


def selection_from(kwargs: dict[str, Any]) -> Selection:
    """The selectors, taken out of a command's keyword arguments (-q stays)."""
    return Selection(
        only=kwargs.pop("only"),
        exclude=kwargs.pop("exclude"),
        tags=kwargs.pop("tags"),
        shard=kwargs.pop("shard"),
    )
