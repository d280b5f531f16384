"""Hostile or careless spec input: a dangling symlink or an unreadable file in a spec
folder is a spec error (not silently skipped), and `validate` shows the first 1,000
problems, then one line with the total, however many there are."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hostile_support import RunCli

GOOD = "version: 1\nintegrations:\n  a:\n    integrationId: intg_a\n    authType: API_KEY\n"


def test_a_dangling_symlink_in_a_spec_folder_is_a_spec_error(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("specs").mkdir()
    Path("specs/a.yaml").write_text(GOOD, encoding="utf-8")
    Path("specs/gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, out, _ = run_cli(["validate", "specs"])
    assert code == 2
    assert out == (
        "specs/gone.yaml: a symlink to a file that does not exist\n1 problem in 1 of 1 file\n"
    )
    code, _, err = run_cli(["check", "specs"])
    assert code == 2
    assert err.startswith("specs/gone.yaml: a symlink to a file that does not exist\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_or_folder_in_a_spec_folder_is_a_spec_error(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("specs/sub").mkdir(parents=True)
    Path("specs/a.yaml").write_text(GOOD, encoding="utf-8")
    Path("specs/b.yaml").write_text(GOOD.replace("a:", "b:"), encoding="utf-8")
    Path("specs/b.yaml").chmod(0)
    Path("specs/sub").chmod(0)
    try:
        code, out, _ = run_cli(["validate", "specs"])
    finally:
        Path("specs/b.yaml").chmod(0o644)
        Path("specs/sub").chmod(0o755)
    assert code == 2
    assert "specs/b.yaml: cannot read this file: permission denied\n" in out
    assert "specs/sub: cannot list this folder: Permission denied\n" in out


def test_unreadable_entries_are_reported_even_when_root_could_read_them(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, with the permission answers faked: root (as in many CI containers) reads
    everything, and the logic must be tested all the same."""
    monkeypatch.chdir(tmp_path)
    Path("specs/sub").mkdir(parents=True)
    Path("specs/a.yaml").write_text(GOOD, encoding="utf-8")
    Path("specs/b.yaml").write_text(GOOD.replace("a:", "b:"), encoding="utf-8")
    real_access, real_scandir = os.access, os.scandir

    def access(path: object, mode: int) -> bool:
        return not str(path).endswith("b.yaml") and real_access(path, mode)  # type: ignore[arg-type]

    def scandir(path: object) -> object:
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = run_cli(["validate", "specs"])
    assert code == 2
    assert out == (
        "specs/b.yaml: cannot read this file: permission denied\n"
        "specs/sub: cannot list this folder: Permission denied\n"
        "2 problems in 2 of 2 files\n"
    )


def _many_problems(path: Path, count: int) -> None:
    rows = ["version: 1", "integrations:"]
    for n in range(count):
        rows += [f"  s{n}:", f"    integrationId: intg_{n}", "    authType: NOPE"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_validate_output_is_capped(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _many_problems(Path("big.yaml"), 1500)
    code, out, _ = run_cli(["validate", "big.yaml"])
    assert code == 2
    lines = out.splitlines()
    assert len(lines) == 1002
    assert lines[-2:] == [
        "... and 500 more problems not shown (1500 in all)",
        "1500 problems in 1 of 1 file",
    ]
    code, out, _ = run_cli(["validate", "big.yaml", "--format", "github"])
    assert len(out.splitlines()) == 1002
    code, out, _ = run_cli(["validate", "big.yaml", "--format", "json"])
    doc = json.loads(out)
    assert (len(doc["problems"]), doc["problemsNotShown"]) == (1000, 500)
    code, out, err = run_cli(["check", "big.yaml"])
    assert code == 2
    assert err.splitlines()[-2:] == [
        "... and 500 more problems not shown (1500 in all)",
        "drift: the spec has 1500 problems; nothing was checked",
    ]
    assert len(err.splitlines()) == 1002
