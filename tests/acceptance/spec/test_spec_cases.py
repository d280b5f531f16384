"""Data-driven `drift validate` cases: one folder under cases/ per case (see its README)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

RunCli = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)

CASES = Path(__file__).parent / "cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


def test_there_are_enough_cases() -> None:
    assert len(CASE_DIRS) >= 15
    assert all((case / "expected.txt").is_file() for case in CASE_DIRS)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case(case: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    code_file = case / "exit_code"
    expected_code = int(code_file.read_text().strip()) if code_file.exists() else 2
    args_file = case / "args"
    extra = args_file.read_text(encoding="utf-8").split() if args_file.exists() else []

    monkeypatch.chdir(case)
    code, out, err = run_cli(["validate", *extra, "."])

    assert out == expected
    assert err == ""
    assert code == expected_code
    assert "Traceback" not in out + err


def test_same_problems_when_files_are_named_one_by_one(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming the files instead of the folder changes nothing (sorted, same paths)."""
    case = CASES / "many_problems_many_files"
    monkeypatch.chdir(case)
    names = sorted(p.name for p in case.glob("*.yaml"))
    code, out, _ = run_cli(["validate", *reversed(names)])
    assert code == 2
    assert out == (case / "expected.txt").read_text(encoding="utf-8")


def test_a_file_named_twice_is_read_once(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "valid_minimal")
    code, out, _ = run_cli(["validate", "spec.yaml", ".", "./spec.yaml"])
    assert (code, out) == (0, "1 file valid (3 integrations)\n")


def test_paths_print_as_given(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES)
    code, out, _ = run_cli(["validate", "cross_file_local_name"])
    assert code == 2
    assert out.splitlines()[0].startswith(
        "cross_file_local_name/b.yaml:6:3: integrations.shop: local name 'shop' is also "
        "declared at cross_file_local_name/a.yaml:3:3"
    )


def test_default_path_is_specs(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "nested_folders")
    code, out, _ = run_cli(["validate"])
    assert code == 2
    assert out == "specs: no such file or folder\n1 problem in 1 of 1 file\n"
