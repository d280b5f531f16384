"""Colour: `--color` first, then NO_COLOR, then FORCE_COLOR, then whether stdout is a TTY."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from drift.cli.color import color_wanted
from drift.emulator import Emulator

RunCli = Callable[[list[str]], tuple[int, str, str]]
KEY = "colour-test-key-1234"


@pytest.mark.parametrize(
    ("choice", "env", "tty", "wanted"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # an empty NO_COLOR does not count
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "0"}, False, True),  # any non-empty value forces
        ("auto", {"FORCE_COLOR": ""}, False, False),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins
        ("always", {"NO_COLOR": "1"}, False, True),  # the flag wins over everything
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_precedence(choice: str, env: dict[str, str], tty: bool, wanted: bool) -> None:
    assert color_wanted(choice, env, tty) is wanted


SPEC = (
    "version: 1\nintegrations:\n  a: {integrationId: intg_A, authId: auth_A, authType: API_KEY}\n"
)
DATA = {
    "integrations": [{"integrationId": "intg_A", "name": "A", "authentication": "auth_A"}],
    "auth": [{"authId": "auth_A", "integrationId": "intg_A", "authType": "NO_AUTH"}],
}


@pytest.fixture
def drifted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    """Run `drift [GLOBAL...] check` on a drifted spec; stdout is a pipe here."""
    (tmp_path / "a.yaml").write_text(SPEC, encoding="utf-8")
    monkeypatch.setenv("SIGMAMIND_API_KEY", KEY)
    monkeypatch.delenv("NO_COLOR", raising=False)
    emu = Emulator(DATA, api_key=KEY).start()

    def check(run: RunCli, *global_options: str) -> tuple[int, str]:
        code, out, _ = run(
            [*global_options, "check", str(tmp_path / "a.yaml"), "--base-url", emu.url]
        )
        return code, out

    yield check
    emu.stop()


def test_force_color_colours_a_pipe(
    run_cli: RunCli, drifted: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not sys.stdout.isatty()
    code, plain = drifted(run_cli)
    assert code == 1 and "\x1b[" not in plain
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, coloured = drifted(run_cli)
    assert code == 1 and "\x1b[33mdrifted\x1b[0m" in coloured
    assert drifted(run_cli, "--color", "never")[1] == plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert drifted(run_cli)[1] == plain
    assert drifted(run_cli, "--color", "always")[1] == coloured
    assert drifted(run_cli, "--color=auto")[1] == plain


def test_the_choice_holds_for_one_run_only(
    run_cli: RunCli, drifted: Callable[..., tuple[int, str]]
) -> None:
    coloured = drifted(run_cli, "--color", "always")[1]
    assert "\x1b[" in coloured
    assert "\x1b[" not in drifted(run_cli)[1]


def test_an_unknown_choice_is_a_usage_error(run_cli: RunCli) -> None:
    code, out, err = run_cli(["--color", "sometimes", "validate"])
    assert (code, out) == (2, "")
    assert err.startswith("drift: error: Invalid value for '--color': 'sometimes' is not one of")
