"""No secret in any byte: every report format, on stdout and in --report files and the
GitHub step summary, over every error path a hostile API can take, holds no run of 8
characters of the API key or of a secret header value."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_server import Reply, Request, answer, as_json
from hostile_support import KEY, RunCli, Start, record, write_spec

from drift.reporters import FORMATS

SECRET_AUTH = "Bearer live-AUTH-9d8c7b6a5f4e3d2c"  # a live record's Authorization value
SECRET_SPEC = "spec-TOKEN-1a2b3c4d5e6f7a8b"  # a secret literal in the spec
SECRET_LISTED = "Bearer echo-LISTED-0f1e2d3c4b5a"  # only ever in an error body, list form
SECRET_MAPPED = "mapped-APIKEY-6e5d4c3b2a1f"  # only ever in an error body, map form
SECRETS = (KEY, SECRET_AUTH, SECRET_SPEC, SECRET_LISTED, SECRET_MAPPED)
PREVIEW_READ = 16 * 1024  # what drift reads of an error body


def _with(iid: str, auth: dict[str, object]) -> Reply:
    return as_json({"integrationId": iid, "name": iid, "authentication": auth})


# integration id -> what the API answers for it
ANSWERS: dict[str, Callable[[], Reply]] = {
    # error bodies that echo the key: at the start, straddling the 120-character cut, and
    # cut by the end of what drift reads (the spaces before it collapse in the preview)
    "e500_key": lambda: answer(
        500, f"internal error for key {KEY}: try later", content_type="text/plain"
    ),
    "e400_cut": lambda: answer(400, "x" * 110 + KEY + " tail", content_type="text/plain"),
    "e400_read_cut": lambda: answer(
        400, " " * (PREVIEW_READ - 10) + KEY, content_type="text/plain"
    ),
    "e429_key": lambda: answer(429, f"slow down, {KEY}", [("Retry-After", "0")]),
    # error bodies that echo a record's credentials, in both API dialects
    "e503_listed": lambda: as_json(
        {"error": "upstream", "headers": [{"key": "Authorization", "value": SECRET_LISTED}]}, 503
    ),
    "e502_mapped": lambda: as_json({"headers": {"X-Api-Key": SECRET_MAPPED}}, 502),
    # error bodies that echo secrets drift knows from elsewhere in the run, as free text
    "e500_live_secret": lambda: answer(500, f"could not forward {SECRET_AUTH} upstream"),
    "e500_spec_secret": lambda: answer(500, f"expected {SECRET_SPEC}"),
    # 2xx bodies are never shown: truncated JSON, HTML, a content type holding the key
    "ok_truncated": lambda: answer(
        200, json.dumps(record("ok_truncated", headers={"Authorization": SECRET_AUTH}))[:-40]
    ),
    "ok_html": lambda: answer(200, f"<p>{KEY} {SECRET_AUTH}</p>", content_type="text/html"),
    "ok_ctype": lambda: answer(200, "?", content_type=f"text/{KEY}"),
    # records that echo the key where drift does show live text: a header value, an id,
    # a header name in a shape error
    "ok_echo_value": lambda: as_json(record("ok_echo_value", headers={"X-Debug": f"key={KEY}"})),
    "ok_echo_id": lambda: _with("ok_echo_id", {"authType": "API_KEY", "integrationId": KEY}),
    "ok_echo_name": lambda: _with(
        "ok_echo_name", {"authType": "API_KEY", "headers": {KEY: {"not": "a string"}}}
    ),
    # secret header values that drift: shown only as fingerprints
    "ok_secret": lambda: as_json(record("ok_secret", headers={"Authorization": SECRET_AUTH})),
    "ok_spec_secret": lambda: as_json(record("ok_spec_secret", headers={"X-Token": "other"})),
}


def _route(request: Request) -> Reply:
    return ANSWERS[request.path.rsplit("/", 1)[1]]()


def _spec(tmp_path: Path) -> Path:
    entries: dict[str, dict[str, object]] = {
        iid: {"integrationId": iid, "authType": "API_KEY"} for iid in ANSWERS
    }
    entries["ok_echo_value"]["headers"] = {"X-Debug": "off"}
    entries["ok_secret"]["headers"] = {"Authorization": {"sha256": "0" * 64}}
    entries["ok_spec_secret"]["headers"] = {"X-Token": {"equals": SECRET_SPEC, "secret": True}}
    return write_spec(tmp_path / "spec.yaml", entries)


def _runs_of_8(secret: str) -> set[str]:
    return {secret[i : i + 8] for i in range(len(secret) - 7)}


@pytest.mark.parametrize("stdout_format", [*FORMATS, "github-actions"])
def test_no_secret_in_any_report(
    run_cli: RunCli,
    api_key: str,
    hostile: Start,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stdout_format: str,
) -> None:
    server = hostile(_route)
    spec = _spec(tmp_path)
    files = {fmt: tmp_path / f"report.{fmt}" for fmt in FORMATS}
    args = ["check", str(spec), "--base-url", server.url, "-q", "--retries", "0", "-v"]
    args += [arg for fmt, path in files.items() for arg in ("--report", f"{fmt}={path}")]
    summary = tmp_path / "summary.md"
    if stdout_format == "github-actions":  # text and annotations, markdown step summary
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    else:
        args += ["--format", stdout_format]
    code, out, err = run_cli(args)
    assert code == 1, err  # drift found; the failed records do not hide it
    outputs = {"stdout": out, "stderr": err}
    outputs.update({f"--report {fmt}": p.read_text(encoding="utf-8") for fmt, p in files.items()})
    if summary.exists():
        outputs["step summary"] = summary.read_text(encoding="utf-8")
    leaks = [
        f"{where}: {run!r} of {secret[:4]}…"
        for secret in SECRETS
        for run in sorted(_runs_of_8(secret))
        for where, text in outputs.items()
        if run in text
    ]
    assert not leaks, leaks
    # and the report still says what went wrong, with the secrets taken out
    text = files["text"].read_text(encoding="utf-8")
    assert "HTTP 500 after 1 attempt: internal error for key <redacted>: try later" in text
    assert "! the response is not JSON (text/html, " in text
    assert '"key=<redacted>"' in text
    assert "Authorization: <redacted sha256:" in text or "/headers/Authorization" in text
