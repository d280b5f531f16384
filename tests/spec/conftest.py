"""Helpers for the `drift validate` tests: run the CLI in-process and capture its output."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from drift import cli_common
from drift.cli import main

RunCli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture(autouse=True)
def _no_debug_left_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--debug` is remembered in a module-level dict; never let it leak between tests."""
    monkeypatch.setitem(cli_common._state, "debug", False)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `drift ARGS` in-process; returns (exit code, stdout, stderr)."""

    def invoke(args: list[str]) -> tuple[int, str, str]:
        capsys.readouterr()  # drop anything printed before
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        code = exited.value.code
        assert isinstance(code, int), f"exit code {code!r} is not an int"
        return code, out, err

    return invoke
