"""The command line's contract shared by every command: version, help, exit codes, errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest

from drift import __version__
from drift.cli.main import cli

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
    assert code == 2  # click: a group called without a command is a usage error
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
    monkeypatch.setattr("drift.spec.load.load_spec", _explode)
    code, out, err = run_cli(["validate", "specs"])
    assert code == 3
    assert out == ""
    assert err == "drift: internal error: RuntimeError: boom (run with --debug for a traceback)\n"


def test_internal_error_with_debug_shows_the_traceback(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("drift.spec.load.load_spec", _explode)
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
    monkeypatch.setattr("drift.spec.load.load_spec", _explode)
    run_cli(["--debug", "validate", "specs"])
    _, _, err = run_cli(["validate", "specs"])
    assert "Traceback" not in err


def test_keyboard_interrupt_exits_130(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("drift.spec.load.load_spec", interrupt)
    code, out, err = run_cli(["validate", "specs"])
    assert code == 130
    assert out == ""
    assert err.strip() == "drift: interrupted"  # click first ends the ^C line


def test_python_dash_m_drift_works() -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
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


def test_usage_errors_are_one_line(run_cli: RunCli) -> None:
    code, out, err = run_cli(["validate", "--format", "yaml", "specs"])
    assert (code, out) == (2, "")
    assert err == (
        "drift: error: Invalid value for '--format': 'yaml' is not one of 'text', 'json', "
        "'github'. (see 'drift validate --help')\n"
    )
    code, _, err = run_cli(["frobnicate"])
    assert (code, err) == (2, "drift: error: No such command 'frobnicate'. (see 'drift --help')\n")


def _drift(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SIGMAMIND_API_KEY": "", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "drift", *args],
        env=env,
        text=True,
        timeout=60,
        **kwargs,  # type: ignore[call-overload]
    )


def test_closed_stdout_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\nintegrations: {}\n", encoding="utf-8")
    proc = _drift(
        ["validate", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 3
    assert proc.stderr == "drift: error: cannot write the output: stdout is closed\n"


@pytest.mark.parametrize(
    ("args", "code"),
    [(["frobnicate"], 2), (["check", "--timeout", "0"], 2), (["validate", "/no/such/spec"], 2)],
)
def test_no_stderr_keeps_the_exit_code(args: list[str], code: int) -> None:
    """With stderr closed, or a pipe whose reader has gone, the message is lost but the
    exit code is not."""
    closed = _drift(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lambda: os.close(2)
    )
    assert closed.returncode == code
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: every write to stderr is a broken pipe
    try:
        broken = _drift(args, stdout=subprocess.DEVNULL, stderr=write_end)
    finally:
        os.close(write_end)
    assert broken.returncode == code


@pytest.mark.parametrize(
    ("tty", "no_color", "wanted"),
    [(True, None, True), (True, "1", False), (True, "", True), (False, None, False)],
)
def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch, tty: bool, no_color: str | None, wanted: bool
) -> None:
    from drift.cli.common import color_wanted

    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert color_wanted() is wanted


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--base-url", ""], "--base-url is empty"),
        (["--api-key-env", " "], "--api-key-env is empty"),
    ],
)
def test_empty_api_options_are_usage_errors(
    run_cli: RunCli, tmp_path: Path, flag: list[str], message: str
) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text(
        "version: 1\nintegrations:\n  a: {integrationId: intg_A, authType: NO_AUTH}\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(["check", str(spec), *flag])
    assert (code, out, err) == (2, "", f"drift: error: {message}\n")


@pytest.mark.parametrize("args", [["--version"], ["check", "--help"]])
def test_help_or_version_that_cannot_be_written_exit_3(args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: writing stdout is a broken pipe
    try:
        proc = _drift(args, stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (
        3,
        "drift: error: cannot write the output: Broken pipe\n",
    )
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            proc = _drift(args, stdout=full, stderr=subprocess.PIPE)
        assert (proc.returncode, proc.stderr) == (
            3,
            "drift: error: cannot write the output: No space left on device\n",
        )


def test_emulator_with_stdout_closed_blames_the_output(tmp_path: Path) -> None:
    proc = _drift(
        ["emulator", "--port", "0", "--url-file", str(tmp_path / "url")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 3
    assert proc.stderr.splitlines()[-1] == "drift: error: cannot write the output: stdout is closed"
    assert not (tmp_path / "url").exists()  # no URL file for a server that is not running


def test_error_lines_cannot_carry_terminal_escapes(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error quoting a response body (as `drift import` does) stays one inert line."""
    from drift.errors import FetchError

    def fail(*args: object, **kwargs: object) -> None:
        raise FetchError("HTTP 500: \x1b[31mEVIL\r\x1b[2Kforged\nline\x07")

    monkeypatch.setattr("drift.spec.load.load_spec", fail)
    code, _, err = run_cli(["validate", "specs"])
    assert code == 3
    assert err == "drift: error: HTTP 500: \\x1b[31mEVIL\\r\\x1b[2Kforged\\nline\\x07\n"
