"""`--report sarif=PATH` through the real CLI against the emulator, for every check case:
valid SARIF that code scanning takes, one result per finding of the JSON report from the
same run, each at the spec line the JSON report names, and no secret in it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_cases import CASES, SECRET_VALUES, _lines

from drift.emulator import Emulator, load_data

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "reporters"))
from test_sarif import assert_code_scanning_ready

Run = Callable[[list[str]], tuple[int, str, str]]


def _expected(doc: dict[str, Any]) -> list[tuple[str, str, int, int, str]]:
    """(integration, level, line, column, path) per finding of a JSON report."""
    level = {"drift": "error", "warning": "warning", "ignored": "note"}
    out = []
    for item in doc["integrations"]:
        changes = item["changes"]
        if item["status"] in ("not_found", "error"):
            source = item["source"]
            out.append((item["name"], "error", source["line"], source["column"], ""))
        for change in changes if item["status"] in ("drifted", "in_sync") else ():
            source = change.get("source") or item["source"]
            row = (item["name"], level[change["disposition"]], source["line"], source["column"])
            out.append((*row, change["path"]))
    for rule in doc["staleRules"]:
        source = rule["source"]
        out.append((rule["integration"], "warning", source["line"], source["column"], rule["path"]))
    return sorted(out)


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case_as_sarif(
    name: str,
    run: Run,
    emulator: Callable[..., Emulator],
    api_key: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    folder = CASES / name
    monkeypatch.chdir(folder)
    for line in _lines(folder / "env"):
        key, _, value = line.partition("=")
        monkeypatch.setenv(key, value)
    emu = emulator(load_data(folder / "live.yaml"))
    sarif, report = tmp_path / "r.sarif", tmp_path / "r.json"
    code, _, _ = run(
        [
            "check",
            "./spec.yaml",  # as a user may type it: the URI is normalised
            "--base-url",
            emu.url,
            "-q",
            f"--report=sarif={sarif}",
            f"--report=json={report}",
            *_lines(folder / "args"),
        ]
    )
    assert code == int((folder / "exit_code").read_text(encoding="utf-8"))
    text = sarif.read_text(encoding="utf-8")
    for secret in SECRET_VALUES:
        assert secret not in text
    doc = json.loads(text)
    assert_code_scanning_ready(doc)
    found = []
    for result in doc["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "spec.yaml", "uriBaseId": "%SRCROOT%"}
        region = physical["region"]
        row = (result["properties"]["integration"], result["level"])
        found.append(
            (*row, region["startLine"], region["startColumn"], result["properties"].get("path", ""))
        )
    assert sorted(found) == _expected(json.loads(report.read_text(encoding="utf-8")))
