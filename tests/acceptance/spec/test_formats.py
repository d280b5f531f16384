"""`drift validate --format json|github`: structure, exit codes and escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drift import __version__

RunCli = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)

CASES = Path(__file__).parent / "cases"
VALID = "version: 1\nintegrations:\n  shop:\n    integrationId: intg_A\n    authType: API_KEY\n"


def _json(run_cli: RunCli, *paths: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run_cli(["validate", "--format", "json", *paths])
    assert err == ""
    assert out.endswith("}\n")
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return code, doc


def test_json_when_valid(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "valid_two_files")
    code, doc = _json(run_cli, ".")
    assert code == 0
    assert doc == {
        "schemaVersion": 1,
        "tool": {"name": "drift", "version": __version__},
        "valid": True,
        "exitCode": 0,
        "files": ["commerce.yaml", "platform.yml"],
        "integrations": 3,
        "problems": [],
    }


def test_json_lists_every_problem_in_text_order(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES / "many_problems_many_files"
    monkeypatch.chdir(case)
    code, doc = _json(run_cli, ".")
    assert code == 2
    assert doc["valid"] is False
    assert doc["exitCode"] == 2
    assert doc["files"] == ["a_valid.yaml", "b_broken.yaml", "c_syntax.yaml", "d_empty.yaml"]
    problems = doc["problems"]
    assert all(
        set(p) == {"file", "line", "column", "path", "message"}
        and isinstance(p["line"], int)
        and isinstance(p["column"], int)
        for p in problems
    )
    # the same problems, in the same order, as the text format's lines
    as_text = [
        f"{p['file']}:{p['line']}:{p['column']}: "
        + (f"{p['path']}: " if p["path"] else "")
        + p["message"]
        for p in problems
    ]
    assert as_text == (case / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]
    assert problems[0] == {
        "file": "b_broken.yaml",
        "line": 5,
        "column": 15,
        "path": "integrations.crm.authType",
        "message": "'NOPE' is not one of NO_AUTH, BASIC_AUTH, BEARER_TOKEN, API_KEY",
    }


def test_json_for_a_missing_path(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, doc = _json(run_cli, "missing.yaml")
    assert code == 2
    assert doc["files"] == []
    assert doc["problems"] == [
        {
            "file": "missing.yaml",
            "line": 0,
            "column": 0,
            "path": "",
            "message": "no such file or folder",
        }
    ]


def test_json_keeps_non_ascii_readable(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "bad_header_names")
    code, out, _ = run_cli(["validate", "--format", "json", "."])
    assert code == 2
    assert "'Ünicode' is not a valid header name" in out
    json.loads(out)


GH_LINE = re.compile(
    r"::error file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"title=drift validate::(?P<message>.*)"
)


def test_github_lines_match_the_text_lines(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES / "many_problems_many_files"
    monkeypatch.chdir(case)
    code, out, err = run_cli(["validate", "--format", "github", "."])
    assert (code, err) == (2, "")
    lines = out.splitlines()
    text = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert lines[-1] == text[-1] == "4 problems in 3 of 4 files"
    for gh, plain in zip(lines[:-1], text[:-1], strict=True):
        match = GH_LINE.fullmatch(gh)
        assert match, gh
        assert plain == f"{match['file']}:{match['line']}:{match['col']}: {match['message']}"


def test_github_escaping(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Properties escape % CR LF : and , ; the message escapes % CR LF."""
    monkeypatch.chdir(tmp_path)
    Path("a,b:c%.yaml").write_text(
        VALID + 'bad%key: 1\n"new\\nline": 2\n"100%: off, ok": 3\n', encoding="utf-8"
    )
    code, out, err = run_cli(["validate", "--format", "github", "a,b:c%.yaml"])
    assert (code, err) == (2, "")
    prefix = "::error file=a%2Cb%3Ac%25.yaml,line={},col=1,title=drift validate::"
    assert out.splitlines() == [
        prefix.format(6) + "bad%25key: unknown key 'bad%25key'",
        prefix.format(7) + "new\\nline: unknown key 'new\\nline'",
        prefix.format(8) + "100%25: off, ok: unknown key '100%25: off, ok'",
        "3 problems in 1 of 1 file",
    ]


def test_github_without_a_line(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["validate", "--format", "github", "missing.yaml"])
    assert code == 2
    assert out == (
        "::error file=missing.yaml,title=drift validate::no such file or folder\n"
        "1 problem in 1 of 1 file\n"
    )


def test_github_when_valid(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES / "valid_minimal")
    assert run_cli(["validate", "--format", "github", "."]) == (
        0,
        "1 file valid (3 integrations)\n",
        "",
    )


def test_text_problem_with_a_newline_in_a_key_stays_on_one_line(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("spec.yaml").write_text(VALID + '"a\\nb\\tc": 1\n', encoding="utf-8")
    code, out, _ = run_cli(["validate", "spec.yaml"])
    assert code == 2
    assert out == ("spec.yaml:6:1: a\\nb\\tc: unknown key 'a\\nb\\tc'\n1 problem in 1 of 1 file\n")
