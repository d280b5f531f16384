"""How editors find the spec schema (the modeline, `drift schema -o`), and `drift
validate` annotating by itself in GitHub Actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from drift.commands.importer import modeline

RunCli = Callable[[list[str]], tuple[int, str, str]]  # the run_cli fixture (conftest.py)

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "schemas" / "spec.schema.json"
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def test_schema_output_writes_the_file_and_its_folder(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["schema", "-o", ".drift/spec.schema.json"])
    assert (code, out) == (0, "")
    assert err == "wrote the spec schema to .drift/spec.schema.json\n"
    assert (tmp_path / ".drift/spec.schema.json").read_bytes() == SCHEMA.read_bytes()
    # run again (a newer drift): replaced whole, nothing left beside it
    code, _, _ = run_cli(["schema", "--which", "report", "--output", ".drift/spec.schema.json"])
    assert code == 0
    assert [p.name for p in (tmp_path / ".drift").iterdir()] == ["spec.schema.json"]
    report = (ROOT / "schemas" / "report.schema.json").read_bytes()
    assert (tmp_path / ".drift/spec.schema.json").read_bytes() == report


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("out/", "cannot write the schema out/: that names a folder, not a file"),
        ("taken/spec.schema.json", "cannot create folder taken: File exists"),
        ("folder", "cannot write the schema folder: it is a folder"),
    ],
)
def test_schema_output_refuses_what_it_cannot_write(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, target: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").write_text("a file, not a folder\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    code, out, err = run_cli(["schema", "-o", target])
    assert (code, out) == (2, "")
    assert err == f"drift: error: {message}\n"


@pytest.mark.parametrize("spec", sorted((ROOT / "specs").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_specs_point_editors_at_the_schema(spec: Path) -> None:
    """The modeline resolves, from the spec's folder, to the schema drift applies: here a
    link into schemas/, in a user's repository the copy `drift schema -o` writes."""
    found = MODELINE.match(spec.read_text(encoding="utf-8"))
    assert found, spec
    assert found.group(1) == "../.drift/spec.schema.json"
    assert (spec.parent / found.group(1)).read_bytes() == SCHEMA.read_bytes()


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("<stdout>", ".drift/spec.schema.json"),
        ("live.yaml", ".drift/spec.schema.json"),
        ("specs/live.yaml", "../.drift/spec.schema.json"),
        ("specs/team/a/live.yaml", "../../../.drift/spec.schema.json"),
        ("./specs/../specs/live.yaml", "../.drift/spec.schema.json"),
    ],
)
def test_import_writes_a_modeline_relative_to_the_spec(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, output: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert modeline(output) == f"# yaml-language-server: $schema={expected}\n"


def test_import_modeline_outside_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "repo").mkdir()
    monkeypatch.chdir(tmp_path / "repo")
    line = modeline(str(tmp_path / "elsewhere" / "live.yaml"))
    assert line == "# yaml-language-server: $schema=../repo/.drift/spec.schema.json\n"


BAD = "version: 1\nintegrations:\n  shop:\n    integrationId: intg_A1\n    authType: API_KEYS\n"
LINE = (
    "spec.yaml:5:15: integrations.shop.authType: 'API_KEYS' is not one of NO_AUTH, "
    "BASIC_AUTH, BEARER_TOKEN, API_KEY (did you mean 'API_KEY'?)"
)
ANNOTATION = (
    "::error file=spec.yaml,line=5,col=15,title=drift validate::integrations.shop.authType: "
    "'API_KEYS' is not one of NO_AUTH, BASIC_AUTH, BEARER_TOKEN, API_KEY (did you mean "
    "'API_KEY'?)"
)


def test_validate_annotates_by_itself_in_github_actions(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text(BAD, encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run_cli(["validate", "spec.yaml"])
    assert (code, err) == (2, "")
    assert out == f"{LINE}\n{ANNOTATION}\n1 problem in 1 of 1 file\n"


@pytest.mark.parametrize(
    ("env", "args"),
    [("true", ["--format", "text"]), ("false", []), (None, [])],
)
def test_validate_prints_text_alone_when_told_or_outside_actions(
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    env: str | None,
    args: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text(BAD, encoding="utf-8")
    if env is not None:
        monkeypatch.setenv("GITHUB_ACTIONS", env)
    code, out, _ = run_cli(["validate", *args, "spec.yaml"])
    assert code == 2
    assert out == f"{LINE}\n1 problem in 1 of 1 file\n"


def test_validate_json_stays_json_in_github_actions(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "spec.yaml").write_text(BAD, encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run_cli(["validate", "--format", "json", "spec.yaml"])
    assert code == 2
    assert out.startswith("{") and "::error" not in out


def test_a_valid_spec_in_github_actions_prints_the_summary_alone(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run_cli(["validate", "specs/platform.yaml"])
    assert (code, out) == (0, "1 file valid (3 integrations)\n")


def test_import_modeline_without_a_relative_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On Windows a spec on another drive has no relative path to the schema: the
    modeline names it by its file URI instead."""
    monkeypatch.chdir(tmp_path)

    def other_drive(path: str, start: str) -> str:
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr("drift.commands.importer.os.path.relpath", other_drive)
    expected = (tmp_path / ".drift" / "spec.schema.json").as_uri()
    assert modeline("live.yaml") == f"# yaml-language-server: $schema={expected}\n"
