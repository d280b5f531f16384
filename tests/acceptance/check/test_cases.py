"""Data-driven `drift check` cases: each folder under cases/ holds a spec, the live data
the emulator serves, optional extra arguments, and the exact expected text and JSON.

Every case runs through the real CLI against the in-process emulator in both API
dialects; the two runs must print the same thing. One run writes every format: the exact
expected text (expected.txt), JSON (expected.json, validated against the report schema),
markdown (expected.md), JUnit (expected.xml) and GitHub annotations (expected.github.txt),
each annotation checked against the spec line it points at, and no secret in any of them.
Set DRIFT_UPDATE_GOLDEN=1 to (re)write the expected files, then review the diff.

Optional files in a case folder:
  args      extra CLI arguments, one per line
  env       NAME=VALUE lines set in the environment for the run
  dialects  the dialects to run (default: modern and legacy), one per line
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jsonschema
import pytest

from drift import __version__
from drift.emulator import Emulator, load_data

CASES = Path(__file__).parent / "cases"
SCHEMA = json.loads(
    (Path(__file__).parents[3] / "schemas" / "report.schema.json").read_text(encoding="utf-8")
)
UPDATE = os.environ.get("DRIFT_UPDATE_GOLDEN") == "1"
OTHER_FORMATS = ("markdown", "junit", "github")
GOLDEN_SUFFIX = {"markdown": "md", "junit": "xml", "github": "github.txt"}
ANNOTATION = re.compile(
    r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([^:]*)::(.*)$"
)
# live values in the cases that must never reach any output
SECRET_VALUES = (
    "live-SECRET-value-9999",
    "live-SESSION-value-8888",
    "live-APIKEY-value-7777",
    "spec-declared-SECRET-0001",
    "tok-from-env-42",
    "tok-wrong-77",
    "sig-value-1",
    "sig-value-2",
)


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _normalized_json(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    assert doc["tool"]["version"] == __version__
    doc["baseUrl"] = "EMULATOR"
    doc["tool"]["version"] = "VERSION"
    # a digest of the spec: its form is checked here, its value in tests/unit/model/test_desired.py
    assert re.fullmatch(r"[0-9a-f]{64}", doc["specDigest"])
    doc["specDigest"] = "DIGEST"
    # the clock's reading: its form is checked here, its value in tests/unit/test_report_diff.py
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["generatedAt"])
    doc["generatedAt"] = "GENERATED"
    return doc


def _run_case(
    folder: Path,
    dialect: str,
    run: Callable[[list[str]], tuple[int, str, str]],
    emulator: Callable[..., Emulator],
    tmp_path: Path,
) -> tuple[int, str, str, str]:
    emu = emulator(load_data(folder / "live.yaml"), dialect=dialect)
    report = tmp_path / f"{dialect}.json"
    others = [f"--report={fmt}={tmp_path / f'{dialect}.{fmt}'}" for fmt in OTHER_FORMATS]
    code, out, err = run(
        [
            "check",
            "spec.yaml",
            "--base-url",
            emu.url,
            "-q",
            "--report",
            f"json={report}",
            *others,
            *_lines(folder / "args"),
        ]
    )
    raw_json = report.read_text(encoding="utf-8") if report.exists() else ""
    return code, out, err, raw_json


def _other_reports(tmp_path: Path, dialect: str) -> dict[str, str]:
    """The markdown, junit and github reports written in the same run."""
    return {
        fmt: re.sub(
            r"http://127\.0\.0\.1:\d+",
            "EMULATOR",
            (tmp_path / f"{dialect}.{fmt}").read_text(encoding="utf-8"),
        )
        for fmt in OTHER_FORMATS
    }


def _params() -> list[Any]:
    names = sorted(p.name for p in CASES.iterdir() if p.is_dir())
    return names


@pytest.mark.parametrize("name", _params())
def test_case(
    name: str,
    run: Callable[[list[str]], tuple[int, str, str]],
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
    dialects = _lines(folder / "dialects") or ["modern", "legacy"]
    outcomes = {d: _run_case(folder, d, run, emulator, tmp_path) for d in dialects}

    first = outcomes[dialects[0]]
    for dialect, (code, out, err, raw_json) in outcomes.items():
        # dialect equivalence: the API's two spellings of a record are the same record
        assert (code, out, err) == first[:3], f"{dialect} differs from {dialects[0]}"
        assert _normalized_json(raw_json) == _normalized_json(first[3])
        jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(raw_json))
        assert json.loads(raw_json)["exitCode"] == code
        reports = _other_reports(tmp_path, dialect)
        assert reports == _other_reports(tmp_path, dialects[0]), f"{dialect} reports differ"
        ElementTree.fromstring(reports["junit"])  # well-formed in every case
        for secret in SECRET_VALUES:
            for blob in (out, err, raw_json, *reports.values()):
                assert secret.encode() not in blob.encode(), f"{secret} leaked ({dialect})"
        assert err == "", err

    code, out, _, raw_json = first
    doc = _normalized_json(raw_json)
    rendered_json = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    reports = _other_reports(tmp_path, dialects[0])
    if UPDATE:
        (folder / "expected.txt").write_text(out, encoding="utf-8")
        (folder / "expected.json").write_text(rendered_json, encoding="utf-8")
        (folder / "exit_code").write_text(f"{code}\n", encoding="utf-8")
        for fmt, text in reports.items():
            (folder / f"expected.{GOLDEN_SUFFIX[fmt]}").write_text(text, encoding="utf-8")
    for fmt, text in reports.items():
        assert text == (folder / f"expected.{GOLDEN_SUFFIX[fmt]}").read_text(encoding="utf-8")
    _annotations_point_at_their_lines(folder, reports["github"])
    assert out == (folder / "expected.txt").read_text(encoding="utf-8")
    assert doc == json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert code == int((folder / "exit_code").read_text(encoding="utf-8"))


def _annotations_point_at_their_lines(folder: Path, github: str) -> None:
    """Every annotation sits on the spec line that declares what it is about: the
    integration's own key, or the field (authType, a header) the change concerns."""
    spec_lines = (folder / "spec.yaml").read_text(encoding="utf-8").splitlines()
    for line in github.splitlines():
        match = ANNOTATION.match(line)
        assert match, f"not an annotation: {line!r}"
        _, file, number, column, title, message = match.groups()
        assert file == "spec.yaml"
        written = spec_lines[int(number) - 1][int(column) - 1 :]
        key = written.split(":", 1)[0].strip().strip("'\"")
        path = message.split(":", 1)[0].strip()
        field = path.rsplit("/", 1)[-1] if path.startswith(("~ /", "+ /", "- /", "/")) else None
        entry = key in title.split()  # "drift%3A NAME drifted": the integration's own line
        assert key and (entry or (field and key.lower() == field.lower())), (
            f"annotation at {number}:{column} ({written!r}) does not match {message!r}"
        )
