"""Helpers every test folder shares."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from drift.cli.main import main

RunCli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `drift ARGS` in-process through the real entry point; returns
    (exit code, stdout, stderr)."""

    def invoke(args: list[str]) -> tuple[int, str, str]:
        capsys.readouterr()  # drop anything printed before
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        code = exited.value.code
        assert isinstance(code, int), f"exit code {code!r} is not an int"
        return code, out, err

    return invoke


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see what a terminal sees, also when they run in GitHub Actions: `check` and
    `validate` add annotations there by themselves."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _colour_as_on_a_plain_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """A FORCE_COLOR in the developer's or CI's environment would colour every text
    report the tests compare; tests that want it set it themselves."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
