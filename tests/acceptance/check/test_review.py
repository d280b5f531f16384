"""`drift compare` between two spec files: exact text and markdown, JSON shape, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "review"
Run = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture(autouse=True)
def _in_review_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)


@pytest.mark.parametrize(("fmt", "golden"), [("text", "expected.txt"), ("markdown", "expected.md")])
def test_compare_renders_exactly(run: Run, fmt: str, golden: str) -> None:
    code, out, err = run(["compare", "base.yaml", "head.yaml", "--format", fmt])
    assert (code, err) == (0, "")
    assert out == (HERE / golden).read_text(encoding="utf-8")


def test_compare_json_and_exit_code(run: Run) -> None:
    code, out, _ = run(["compare", "base.yaml", "head.yaml", "--format", "json"])
    doc = json.loads(out)
    assert code == 0
    assert doc["summary"] == {
        "added": 1,
        "removed": 1,
        "changed": 1,
        "renamed": 0,
        "loosening": 0,
    }
    shop = next(i for i in doc["integrations"] if i["name"] == "shop")
    assert [c["path"] for c in shop["changes"]] == [
        "/authType",
        "/headers/Authorization",
        "/headers/X-New",
        "/headers/X-Source",
    ]
    assert run(["compare", "base.yaml", "head.yaml", "--exit-code"])[0] == 1
    assert run(["compare", "base.yaml", "base.yaml", "--exit-code"])[0] == 0


def test_compare_never_shows_a_pinned_or_secret_value(run: Run) -> None:
    _, out, _ = run(["compare", "base.yaml", "head.yaml", "--format", "json"])
    # only the first 8 hex digits of a pinned digest are ever shown
    assert "9f86d081884c7d659a2feaa0c55ad015" not in out
