"""`drift emulator`: serve the SigmaMind emulator until Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import click

from drift.cli.common import FiniteRange, emit
from drift.emulator.records import EmulatorDataError
from drift.emulator.server import Emulator
from drift.errors import ExitCode, UsageError
from drift.fileio import check_output_path, write_atomic
from drift.live.hosts import is_loopback

DEMO_KEY = "demo-key"

EPILOG = """\b
Example:
  SIGMAMIND_API_KEY=dev-key drift emulator --port 8787 --latency 0.05 \\
      --error-rate 0.02 --seed 7
  curl -H "X-API-Key: dev-key" \\
      http://127.0.0.1:8787/v1/integrations/intg_AuUKK371Spr5

\b
Exit codes: 0 stopped by SIGTERM; 130 stopped by Ctrl-C (SIGINT); 2 bad data
file or options, the port cannot be used, or --url-file cannot be written.
"""


class DataFileError(click.ClickException):
    """A data file the emulator cannot serve: one line on stderr, exit status 2."""

    exit_code = 2


_SECONDS = FiniteRange(min=0, max=3600)
_FRACTION = FiniteRange(0, 1)
_COUNT = click.IntRange(min=0)
_GENERATE = click.IntRange(min=0, max=1_000_000)  # about 1 GiB of memory at the top


@click.command("emulator", epilog=EPILOG)
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML or JSON data file.  [default: the built-in demo set]",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--allow-remote", is_flag=True, help="Allow a --host that is not loopback.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8787,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--dialect",
    type=click.Choice(["modern", "legacy"]),
    default="modern",
    show_default=True,
    help="Record shape: header list or header map, and so on.",
)
@click.option(
    "--api-key-env",
    default="SIGMAMIND_API_KEY",
    show_default=True,
    metavar="NAME",
    help=f"Variable holding the accepted key; unset: {DEMO_KEY!r}.",
)
@click.option("--latency", type=_SECONDS, default=0.0, help="Seconds added to every answer.")
@click.option("--jitter", type=_SECONDS, default=0.0, help="Plus up to this many seconds.")
@click.option("--error-rate", type=_FRACTION, default=0.0, help="Fraction answered 503.")
@click.option(
    "--rate-limit",
    type=_COUNT,
    default=0,
    help="Requests per second before 429 with Retry-After: 1 (0 = none).",
)
@click.option(
    "--burst-every",
    type=_COUNT,
    default=0,
    help="Start a burst of 429s every N requests (0 = none).",
)
@click.option(
    "--burst-length",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="429s per burst.",
)
@click.option(
    "--burst-retry-after",
    type=_COUNT,
    default=1,
    show_default=True,
    help="Retry-After seconds sent with burst 429s.",
)
@click.option(
    "--drop-rate",
    type=_FRACTION,
    default=0.0,
    help="Fraction of connections closed without an answer.",
)
@click.option(
    "--truncate-rate",
    type=_FRACTION,
    default=0.0,
    help="Fraction of 200 answers whose JSON is cut in half.",
)
@click.option(
    "--slow-body", type=_SECONDS, default=0.0, help="Seconds to trickle each response body over."
)
@click.option(
    "--generate",
    type=_GENERATE,
    default=0,
    metavar="N",
    help="Add N synthetic integrations intg_gen00001… (from --seed).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed for every random choice, so runs repeat.",
)
@click.option(
    "--url-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the URL here once listening.",
)
@click.option("--verbose", is_flag=True, help="Log one line per request to stderr.")
def emulator_command(
    data_file: Path | None,
    host: str,
    allow_remote: bool,
    port: int,
    dialect: str,
    api_key_env: str,
    latency: float,
    jitter: float,
    error_rate: float,
    rate_limit: int,
    burst_every: int,
    burst_length: int,
    burst_retry_after: int,
    drop_rate: float,
    truncate_rate: float,
    slow_body: float,
    generate: int,
    seed: int,
    url_file: Path | None,
    verbose: bool,
) -> None:
    """Serve a local SigmaMind API emulator, with optional fault injection."""
    if not allow_remote and not is_loopback(host):
        raise click.UsageError(f"--host {host} is not a loopback address; add --allow-remote")
    api_key = os.environ.get(api_key_env, "")
    if api_key:
        click.echo(f"emulator: accepting the API key from ${api_key_env}", err=True)
    else:
        click.echo(f"emulator: ${api_key_env} is not set; accepting the key {DEMO_KEY!r}", err=True)
        api_key = DEMO_KEY
    try:
        emulator = Emulator(
            data_file,
            api_key=api_key,
            host=host,
            port=port,
            dialect=dialect,
            latency=latency,
            jitter=jitter,
            error_rate=error_rate,
            rate_limit=rate_limit,
            burst_every=burst_every,
            burst_length=burst_length,
            burst_retry_after=burst_retry_after,
            drop_rate=drop_rate,
            truncate_rate=truncate_rate,
            slow_body=slow_body,
            generate=generate,
            seed=seed,
            verbose=verbose,
        )
    except EmulatorDataError as exc:
        raise DataFileError(str(exc)) from None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None

    if url_file is not None:
        check_output_path(url_file, "--url-file")

    def ready(url: str) -> None:
        n = emulator.integration_count
        # a closed or full stdout fails as output, not as the port
        emit(f"SigmaMind emulator listening on {url} (dialect {dialect}, {n} integrations)\n")
        if url_file is not None:
            write_atomic(url_file, url)  # last: the file says the server is up

    try:
        stopped_by = emulator.serve_forever(ready)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"cannot serve on {host}:{port}: {reason}") from None
    if stopped_by == signal.SIGINT:
        click.get_current_context().exit(ExitCode.INTERRUPTED)
