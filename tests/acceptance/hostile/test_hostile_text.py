"""Hostile text never breaks a report: lone surrogates, C1 controls, bidi overrides and
isolates, line and paragraph separators and NEL in live values, header names and error
bodies are escaped in every format, the output is valid UTF-8, and the verdict is drift."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_server import Reply, Request, answer, as_json
from hostile_support import KEY, RunCli, Start, record, write_spec

from drift.reporters import FORMATS

NASTY = {
    "lone surrogate": "\ud800",
    "CSI (C1)": "\x9b",
    "NEL": "\x85",
    "RLO (bidi override)": "\u202e",
    "LRI (bidi isolate)": "\u2066",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "ESC": "\x1b",
}
VALUE = "a" + "".join(NASTY.values()) + "z"


def _route(request: Request) -> Reply:
    iid = request.path.rsplit("/", 1)[1]
    if iid == "broken":  # an error body with the same characters, as UTF-8
        return answer(
            500, ("oops " + VALUE.replace("\ud800", "")).encode(), content_type="text/plain"
        )
    return as_json(record(iid, headers={"X-Team": VALUE, f"X-{VALUE}": "live only"}))


def _spec(tmp_path: Path) -> Path:
    entries = {
        "shown": {"integrationId": "shown", "authType": "API_KEY", "headers": {"X-Team": "web"}},
        "broken": {"integrationId": "broken", "authType": "API_KEY"},
    }
    return write_spec(tmp_path / "spec.yaml", entries)


def _raw(text: str) -> list[str]:
    return [name for name, char in NASTY.items() if char in text]


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_is_escaped_in_every_format(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path, fmt: str
) -> None:
    server = hostile(_route)
    report = tmp_path / f"report.{fmt}"
    code, out, err = run_cli(
        [
            "check",
            str(_spec(tmp_path)),
            "--base-url",
            server.url,
            "-q",
            "--retries",
            "0",
            "--format",
            fmt,
            "--report",
            f"{fmt}={report}",
        ]
    )
    assert code == 1, err  # the drift is still drift
    assert out == report.read_text(encoding="utf-8")
    assert _raw(out + err) == []
    out.encode("utf-8")  # no lone surrogate: the output can be written
    if fmt == "json":
        doc = json.loads(out)
        changes = {c["path"]: c for c in doc["integrations"][1]["changes"]}
        assert changes["/headers/X-Team"]["actual"] == VALUE  # escaped, not lost
    if fmt == "text":
        escaped = "a\\ud800\\u009b\\u0085\\u202e\\u2066\\u2028\\u2029\\u001bz"
        assert f'~ /headers/X-Team: "web" -> "{escaped}"' in out
        assert "+ /headers/X-a\\ud800\\x9b\\x85\\u202e\\u2066\\u2028\\u2029\\x1bz:" in out
        assert "! HTTP 500 after 1 attempt: oops a\\x9b" in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_real_process_writes_valid_utf8(
    api_key: str, hostile: Start, tmp_path: Path, fmt: str
) -> None:
    server = hostile(_route)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "drift",
            "check",
            str(_spec(tmp_path)),
            "--base-url",
            server.url,
            "-q",
            "--retries",
            "0",
            "--format",
            fmt,
        ],
        capture_output=True,
        env={**os.environ, "SIGMAMIND_API_KEY": KEY, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    proc.stdout.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert proc.stderr == b""
