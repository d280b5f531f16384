"""The command line: parse options, call the core, turn results into exit codes.

Heavy libraries (httpx, jsonschema, deepdiff) are imported inside the commands so that
`drift --version` and `--help` start fast.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from drift import __version__
from drift.errors import CredentialsError, DriftError, ExitCode, SpecError

EXIT_CODES = """\b
Exit codes (the same for every command):
  0    in sync / valid
  1    drift found
  2    usage or spec error
  3    check incomplete (network, API, credentials, internal error)
  130  interrupted
"""

_state: dict[str, bool] = {"debug": False}


def _epilog(example: str) -> str:
    return f"\b\nExample:\n  {example}\n\n{EXIT_CODES}"


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=_epilog("drift validate specs/ && drift check specs/"),
)
@click.version_option(__version__, "-V", "--version", prog_name="drift")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
def cli(debug: bool) -> None:
    """Declarative drift checker for SigmaMind AI integration auth configuration.

    Declare in YAML the auth type and static headers each integration should have;
    `drift validate` checks the YAML offline, `drift check` compares it with the live API.
    """
    _state["debug"] = debug


def emit(text: str, err: bool = False) -> None:
    """Write report text exactly, without click's colour stripping surprises."""
    click.echo(text, nl=False, err=err)


@cli.command("validate", epilog=_epilog("drift validate specs/prod.yaml --format github"))
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def validate_command(paths: tuple[str, ...], fmt: str) -> int:
    """Check spec files or folders offline (default: specs/). Every problem is shown
    as FILE:LINE:COL: PATH: message."""
    from drift.reporters.validation import RENDERERS
    from drift.spec import load_spec

    spec, problems = load_spec(list(paths) or ["specs"])
    emit(RENDERERS[fmt](spec, problems))
    return ExitCode.USAGE if problems else ExitCode.OK


@cli.command("schema", epilog=_epilog("drift schema --which report > report.schema.json"))
@click.option(
    "--which",
    type=click.Choice(["spec", "report"]),
    default="spec",
    show_default=True,
    help="Which JSON Schema to print.",
)
def schema_command(which: str) -> int:
    """Print the JSON Schema (2020-12) of the spec language or of the JSON report."""
    from drift.schemas import REPORT_SCHEMA, SPEC_SCHEMA, schema_text

    emit(schema_text(SPEC_SCHEMA if which == "spec" else REPORT_SCHEMA))
    return ExitCode.OK


def _color_wanted() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _parse_reports(values: tuple[str, ...]) -> list[tuple[str, str]]:
    from drift.reporters import FORMATS

    out = []
    for value in values:
        fmt, sep, path = value.partition("=")
        if not sep or not path or fmt not in FORMATS:
            raise click.BadParameter(
                f"{value!r}: expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}",
                param_hint="'--report'",
            )
        out.append((fmt, path))
    return out


@cli.command(
    "check",
    epilog=_epilog(
        "SIGMAMIND_API_KEY=... drift check specs/ --report json=drift.json --report junit=drift.xml"
    ),
)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--base-url",
    metavar="URL",
    help="API base URL [env SIGMAMIND_BASE_URL; default https://api.sigmamind.ai]."
    " Plain http:// only for loopback hosts.",
)
@click.option(
    "--api-key-env",
    default="SIGMAMIND_API_KEY",
    show_default=True,
    metavar="NAME",
    help="Environment variable that holds the API key.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "junit", "github"]),
    help="Report format on stdout [default: text].",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write a report in FORMAT to PATH (repeatable), from the same run.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Connect and read timeout per request, in seconds.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=20),
    default=3,
    show_default=True,
    help="Retries per request for 408, 429, 502, 503, 504 and connection errors.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(min=1, max=256),
    default=10,
    show_default=True,
    help="Requests in flight at once.",
)
@click.option(
    "--max-rps",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Client-side rate limit, requests per second, shared by all workers.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0.1),
    default=None,
    metavar="SECONDS",
    help="Stop after this long; records not yet checked become errors.",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Check only shard K of N (1-based), by a stable hash of the local name.",
)
@click.option(
    "--only",
    multiple=True,
    metavar="GLOB",
    help="Check only integrations whose local name matches (repeatable).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip integrations whose local name matches (repeatable).",
)
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Check only integrations with this tag (repeatable: any of them).",
)
@click.option("-v", "--verbose", is_flag=True, help="List in-sync integrations too.")
@click.option("-q", "--quiet", is_flag=True, help="No progress indicator.")
def check_command(
    paths: tuple[str, ...],
    base_url: str | None,
    api_key_env: str,
    fmt: str | None,
    reports: tuple[str, ...],
    timeout: float,
    retries: int,
    concurrency: int,
    max_rps: float | None,
    deadline: float | None,
    shard: str | None,
    only: tuple[str, ...],
    exclude: tuple[str, ...],
    tags: tuple[str, ...],
    verbose: bool,
    quiet: bool,
) -> int:
    """Compare the spec (default: specs/) with the live SigmaMind auth records.

    Exit 0 when everything is in sync, 1 on drift or a missing record, 3 when some
    record could not be checked.
    """
    from drift.check import resolve_env, run_check
    from drift.fetch import DEFAULT_BASE_URL, FetchSettings, check_base_url
    from drift.output import write_outputs
    from drift.progress import Progress
    from drift.secret import Secret
    from drift.select import parse_shard, select, select_shard
    from drift.spec import load_valid_spec

    extra = _parse_reports(reports)
    shard_spec = parse_shard(shard) if shard else None
    url = check_base_url(base_url or os.environ.get("SIGMAMIND_BASE_URL") or DEFAULT_BASE_URL)
    spec = load_valid_spec(list(paths) or ["specs"])
    selected = select(spec.integrations, only, exclude, tags)
    if shard_spec:
        selected = select_shard(selected, shard_spec)
    selected = resolve_env(selected, os.environ)
    key = os.environ.get(api_key_env, "")
    if not key:
        raise CredentialsError(f"no API key: set {api_key_env} to your SigmaMind API key")
    settings = FetchSettings(
        base_url=url,
        api_key=Secret(key),
        api_key_env=api_key_env,
        timeout=timeout,
        retries=retries,
        concurrency=concurrency,
        max_rps=max_rps,
        deadline=deadline,
    )
    progress = Progress(len(selected), enabled=not quiet)
    try:
        report = run_check(
            selected,
            settings,
            on_done=progress.update,
            declared=len(spec.integrations),
            shared_rules=spec.ignores,
        )
    finally:
        progress.close()
    write_outputs(report, fmt, extra, verbose=verbose, color=_color_wanted(), emit=emit)
    return report.exit_code


def _print_problems(error: SpecError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    click.echo(f"drift: {error}; nothing was checked", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: the single place where errors become one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    code: int
    try:
        result: Any = cli.main(args=args, prog_name="drift", standalone_mode=False)
        code = int(result) if isinstance(result, int) else ExitCode.OK
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("drift: interrupted", err=True)
        code = ExitCode.INTERRUPTED
    except SpecError as exc:
        _print_problems(exc)
        code = exc.exit_code
    except DriftError as exc:
        click.echo(f"drift: error: {exc}", err=True)
        code = exc.exit_code
    except Exception as exc:
        if _state["debug"] or "--debug" in args:
            traceback.print_exc()
        click.echo(
            f"drift: internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for a traceback)",
            err=True,
        )
        code = ExitCode.INCOMPLETE
    sys.exit(code)
