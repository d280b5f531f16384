"""The command line: parse options, call the core, turn results into exit codes.

Heavy libraries (httpx, jsonschema, deepdiff) are imported inside the commands so that
`drift --version` and `--help` start fast.
"""

from __future__ import annotations

import errno
import importlib
import io
import os
import signal
import sys
import threading
import traceback
from typing import Any, ClassVar

import click

from drift import __version__
from drift.cli.color import CHOICES as COLOR_CHOICES
from drift.cli.common import epilog, output_failed, run_state, silence
from drift.errors import DriftError, ExitCode, SpecError, Terminated, on_signal, printable
from drift.secret import scrub_known
from drift.tuning import freeze_before_exit

# click's shell completion (`_DRIFT_COMPLETE=bash_source drift`, README "Shell completion")
COMPLETE_VAR = "_DRIFT_COMPLETE"


class LazyGroup(click.Group):
    """Imports a command's module only when that command is used or listed, so that
    `drift --version` does not pay for httpx, asyncio or the emulator."""

    lazy: ClassVar[dict[str, str]] = {
        "validate": "drift.cli.validate:validate_command",
        "check": "drift.cli.check:check_command",
        "baseline": "drift.cli.baseline:baseline_command",
        "import": "drift.cli.import_:import_command",
        "plan": "drift.cli.plan:plan_command",
        "apply": "drift.cli.apply:apply_command",
        "compare": "drift.cli.compare:compare_command",
        "schema": "drift.cli.schema:schema_command",
        "report": "drift.cli.report:report_group",
        "emulator": "drift.cli.emulator:emulator_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, _, attr = self.lazy[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=epilog("drift validate specs/ && drift check specs/"),
)
@click.version_option(__version__, "-V", "--version", prog_name="drift")
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    default="auto",
    show_default=True,
    help="Colour the text report: auto (on a terminal; NO_COLOR and FORCE_COLOR "
    "honoured), always or never.",
)
def cli(debug: bool, color: str) -> None:
    """Declarative drift checker for SigmaMind AI integration auth configuration.

    Declare in YAML the auth type and static headers each integration should have;
    `drift validate` checks the YAML offline, `drift check` compares it with the live API.
    """
    run_state["debug"] = debug
    run_state["color"] = color


def _problem_lines(error: SpecError) -> list[str]:
    from drift.reporters.validation import MAX_PROBLEMS, not_shown

    lines = [str(problem) for problem in error.problems[:MAX_PROBLEMS]]
    rest = not_shown(error.problems).rstrip("\n")
    return [*lines, *([rest] if rest else []), f"drift: {error}; nothing was checked"]


def _one_line(exc: click.ClickException) -> str:
    """click's usage errors take four lines (usage, hint, blank, error); drift's take one,
    pointing at the help of the command that was used."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return message


_OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT})


class _ClosedStdout(io.TextIOWrapper):
    """What stdout is when the caller closed it (`>&-`): every write fails, so a command
    that has output to give says once that it cannot."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "stdout is closed")


def _usable_streams() -> None:
    """A closed stream is None in Python. Without stderr there is nowhere to complain:
    it becomes the null device; without stdout, writing the output fails clearly."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = _ClosedStdout(open(os.devnull, "wb"), encoding="utf-8")  # noqa: SIM115


def _tell(lines: list[str]) -> None:
    """Messages on stderr that never change the exit code: if stderr is gone (a closed
    pipe), they are dropped and the rest of what Python writes there at exit too."""
    try:
        for line in lines:
            for part in line.split("\n"):  # a traceback, the help: several lines
                click.echo(printable(part), err=True)
        sys.stderr.flush()
    except OSError:
        silence(sys.stderr)


def _internal_error(exc: Exception) -> tuple[list[str], int]:
    lines = [scrub_known(traceback.format_exc()).rstrip("\n")] if run_state["debug"] else []
    lines.append(
        printable(scrub_known(f"drift: internal error: {type(exc).__name__}: {exc} "))
        + "(run with --debug for a traceback)"
    )
    return lines, ExitCode.INCOMPLETE


def _install_handlers() -> dict[int, Any]:
    """Ctrl-C and SIGTERM (a CI job's timeout, `kill`) both unwind, so that temporary
    files are removed; returns the handlers they replace. Only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}


def main(argv: list[str] | None = None) -> None:
    """Entry point: the single place where errors become one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    # set by the group's --debug and --color options, per run
    run_state.update(debug=False, color="auto")
    previous = _install_handlers()
    try:
        lines, code = _run(args)
    except Terminated:  # while the error was being handled
        lines, code = ["drift: terminated"], ExitCode.TERMINATED
    except KeyboardInterrupt:
        lines, code = ["drift: interrupted"], ExitCode.INTERRUPTED
    finally:
        for sig, handler in previous.items():
            if handler is not None:  # None: set outside Python, cannot be put back
                signal.signal(sig, handler)
    _tell(lines)
    if argv is None:
        freeze_before_exit()
    sys.exit(code)


def _run(args: list[str]) -> tuple[list[str], int]:
    """Run the command; the lines to print on stderr and the exit code."""
    _usable_streams()
    code: int
    lines: list[str] = []
    try:
        result: Any = cli.main(args=args, prog_name="drift", standalone_mode=False)
        code = int(result) if isinstance(result, int) else ExitCode.OK
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        lines = [exc.format_message()]  # the help, as asked for by giving nothing
        code = exc.exit_code
    except click.ClickException as exc:
        lines = [f"drift: error: {_one_line(exc)}"]
        code = exc.exit_code
    except Terminated:
        lines = ["drift: terminated"]
        code = ExitCode.TERMINATED
    except (KeyboardInterrupt, click.exceptions.Abort):
        lines = ["drift: interrupted"]
        code = ExitCode.INTERRUPTED
    except SpecError as exc:
        lines = _problem_lines(exc)
        code = exc.exit_code
    except DriftError as exc:
        lines = [f"drift: error: {printable(scrub_known(str(exc)))}"]  # one line, always
        code = exc.exit_code
    except SystemExit as exc:
        if os.environ.get(COMPLETE_VAR):
            # shell completion: click wrote the script or the candidates and exits 0 (1 for
            # a shell it does not know)
            code = exc.code if isinstance(exc.code, int) else ExitCode.OK
        else:
            # otherwise only click raises it in here: a broken pipe while it writes help
            # or the version
            failed = output_failed(sys.stdout, "Broken pipe")
            lines, code = [f"drift: error: {failed}"], failed.exit_code
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS:
            # click writing help or the version to a full disk or a closed stream
            failed = output_failed(sys.stdout, exc.strerror or str(exc))
            lines, code = [f"drift: error: {failed}"], failed.exit_code
        else:
            lines, code = _internal_error(exc)
    return lines, code
