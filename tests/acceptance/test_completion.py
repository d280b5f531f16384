"""Shell completion through click (`_DRIFT_COMPLETE=bash_source drift`, README): the script
and the candidates come out whole, exit 0, with nothing on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drift.cli.main import COMPLETE_VAR, main


def _complete(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], instruction: str
) -> tuple[int | str | None, str, str]:
    monkeypatch.setenv(COMPLETE_VAR, instruction)
    with pytest.raises(SystemExit) as exited:
        main([])
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script(
    shell: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _complete(monkeypatch, capsys, f"{shell}_source")
    assert (code, err) == (0, "")
    assert "_drift_completion" in out
    assert COMPLETE_VAR in out


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("drift ch", "1", "plain,check"),
        ("drift report ", "2", "plain,merge"),
        ("drift check --rep", "2", "plain,--report"),
        ("drift check --format ", "3", "plain,junit"),
    ],
)
def test_bash_candidates_include_lazy_commands_and_options(
    words: str,
    cword: str,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", cword)
    code, out, err = _complete(monkeypatch, capsys, "bash_complete")
    assert (code, err) == (0, "")
    assert expected in out.splitlines()


def test_unknown_shell_is_exit_1_without_a_broken_pipe_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _complete(monkeypatch, capsys, "tcsh_source")
    assert code == 1
    assert "Broken pipe" not in err


def test_installed_entry_point_prints_the_script(tmp_path: Path) -> None:
    # the console script as a shell runs it: `eval "$(_DRIFT_COMPLETE=bash_source drift)"`
    drift = Path(sys.executable).with_name("drift")
    assert drift.exists()
    env = {**os.environ, COMPLETE_VAR: "bash_source"}
    done = subprocess.run(
        [str(drift)], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "complete -o nosort -F _drift_completion drift" in done.stdout
