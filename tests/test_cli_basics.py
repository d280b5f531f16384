"""The command line's contract shared by every command: version, help, exit codes, errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import click
import pytest

from drift import __version__
from drift.cli import cli

RunCli = Callable[[list[str]], tuple[int, str, str]]


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The argv prefix of every command and subgroup, e.g. ("report", "merge"). Asks the
    group (list_commands/get_command), so lazily registered commands are included."""
    ctx = click.Context(group, info_name="drift", **group.context_settings)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands(cli))


def test_the_documented_commands_exist() -> None:
    assert ("validate",) in COMMANDS
    assert ("schema",) in COMMANDS
    assert ("check",) in COMMANDS


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(run_cli: RunCli, flag: str) -> None:
    code, out, err = run_cli([flag])
    assert (code, err) == (0, "")
    assert out == f"drift, version {__version__}\n"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_top_level_help_shows_commands_example_and_exit_codes(run_cli: RunCli, flag: str) -> None:
    code, out, err = run_cli([flag])
    assert (code, err) == (0, "")
    assert "Usage: drift [OPTIONS] COMMAND" in out
    for (name,) in (c for c in COMMANDS if len(c) == 1):
        assert f"\n  {name} " in out or f"\n  {name}\n" in out, name
    assert re.search(r"\n *Example:\n +drift validate specs/", out), out
    assert "Exit codes (the same for every command):" in out
    for code_line in (
        "0    in sync / valid",
        "1    drift found",
        "2    usage or spec error",
        "3    check incomplete",
        "130  interrupted",
    ):
        assert code_line in out


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_has_an_example(run_cli: RunCli, command: tuple[str, ...]) -> None:
    code, out, err = run_cli([*command, "--help"])
    assert (code, err) == (0, "")
    assert f"Usage: drift {' '.join(command)}" in out
    # the example is a command line that runs drift (maybe after an environment variable)
    assert re.search(r"\n *Example:\n +(\S+=\S* )*drift ", out), out


def test_no_arguments_shows_usage(run_cli: RunCli) -> None:
    code, out, err = run_cli([])
    assert code in (0, 2)  # click prints the help of a group called without a command
    assert "Usage: drift" in out + err


def test_unknown_command_exits_2(run_cli: RunCli) -> None:
    code, out, err = run_cli(["frobnicate"])
    assert code == 2
    assert out == ""
    assert "No such command 'frobnicate'" in err
    assert "Traceback" not in err


def test_unknown_option_exits_2(run_cli: RunCli) -> None:
    code, _, err = run_cli(["validate", "--no-such-option"])
    assert code == 2
    assert re.search(r"No such option:? '?--no-such-option", err), err


def test_bad_choice_exits_2(run_cli: RunCli) -> None:
    code, _, err = run_cli(["validate", "--format", "yaml", "specs"])
    assert code == 2
    assert "Invalid value for '--format'" in err


def _explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


def test_internal_error_is_one_line_and_exit_3(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("drift.spec.load_spec", _explode)
    code, out, err = run_cli(["validate", "specs"])
    assert code == 3
    assert out == ""
    assert err == "drift: internal error: RuntimeError: boom (run with --debug for a traceback)\n"


def test_internal_error_with_debug_shows_the_traceback(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("drift.spec.load_spec", _explode)
    code, _, err = run_cli(["--debug", "validate", "specs"])
    assert code == 3
    assert err.startswith("Traceback (most recent call last):\n")
    assert "RuntimeError: boom\n" in err
    assert err.endswith(
        "drift: internal error: RuntimeError: boom (run with --debug for a traceback)\n"
    )


def test_debug_does_not_stick_to_the_next_run(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("drift.spec.load_spec", _explode)
    run_cli(["--debug", "validate", "specs"])
    _, _, err = run_cli(["validate", "specs"])
    assert "Traceback" not in err


def test_keyboard_interrupt_exits_130(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("drift.spec.load_spec", interrupt)
    code, out, err = run_cli(["validate", "specs"])
    assert code == 130
    assert out == ""
    assert err.strip() == "drift: interrupted"  # click first ends the ^C line


def test_python_dash_m_drift_works() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "drift", "--version"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"drift, version {__version__}\n"
