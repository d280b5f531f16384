"""Fail fast on systemic failure: an API that cannot be reached at all stops the run in
one line naming the host and the cause; a rejected key stops it too, and both still
write every report, the records never attempted summed up in one line."""

from __future__ import annotations

import errno
import json
import re
import socket
import ssl
from pathlib import Path

import httpx
import pytest
from hostile_server import answer
from hostile_support import KEY, RunCli, Start, write_spec

from drift.errors import Unreachable
from drift.live.failures import connect_cause
from drift.live.fetch import fetch_many
from drift.live.settings import FetchSettings
from drift.model.live import Target
from drift.secret import Secret


def _spec(tmp_path: Path, count: int) -> Path:
    entries = {
        f"svc_{n:03d}": {"integrationId": f"intg_{n:03d}", "authType": "API_KEY"}
        for n in range(count)
    }
    return write_spec(tmp_path / "spec.yaml", entries)


def _closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_nothing_listening_stops_the_run_in_one_line(
    run_cli: RunCli, api_key: str, tmp_path: Path
) -> None:
    port = _closed_port()
    spec = _spec(tmp_path, 200)
    code, out, err = run_cli(
        [
            "check",
            str(spec),
            "--base-url",
            f"http://127.0.0.1:{port}",
            "-q",
            "--retries",
            "1",
            "--report",
            f"json={tmp_path / 'r.json'}",
        ]
    )
    assert code == 3
    assert err == (
        f"drift: error: cannot connect to 127.0.0.1:{port}: connection refused; the first 10 "
        "integrations failed every attempt and no request got an answer, so the run stopped\n"
    )
    skipped = re.search(r"^! not attempted \((\d+)\): cannot connect to 127\.0\.0\.1", out, re.M)
    assert skipped is not None, out
    # every worker took one record, then maybe one more before the tenth had failed
    assert 180 <= int(skipped.group(1)) <= 190
    assert len(out.splitlines()) < 70  # not a block per record
    requests = int(re.search(r"requests: (\d+)", out).group(1))  # type: ignore[union-attr]
    assert requests <= 40
    # the report file has every record, each with why it was not checked
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["exitCode"] == 3
    assert doc["summary"]["errors"] == 200
    messages = [i["error"]["message"] for i in doc["integrations"]]
    assert sum(m.startswith("not attempted: cannot connect") for m in messages) >= 180
    assert (
        sum(m == "could not connect (connection refused) after 2 attempts" for m in messages) >= 10
    )


def test_tls_to_a_plain_http_port_names_tls(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    server = hostile(lambda request: answer(200, b"{}"))
    url = server.url.replace("http://", "https://")
    code, out, err = run_cli(
        ["check", str(_spec(tmp_path, 3)), "--base-url", url, "-q", "--retries", "1"]
    )
    assert code == 3
    assert err.startswith(
        f"drift: error: cannot connect to 127.0.0.1:{server.port}: TLS handshake failed;"
    )
    assert "could not connect (TLS handshake failed) after 2 attempts" in out


def test_one_answer_means_no_fail_fast() -> None:
    """Only when no request gets an answer: one record answered, the others failing to
    connect are errors like any other, and the run goes on."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("intg_0"):
            return httpx.Response(200, json={"authentication": None})
        raise httpx.ConnectError("refused")

    settings = FetchSettings(
        base_url="https://api.test", api_key=Secret(KEY), retries=0, concurrency=1
    )
    targets = [Target(f"intg_{n}", None) for n in range(5)]
    results, stats = fetch_many(targets, settings, transport=httpx.MockTransport(handler))
    assert [r.kind for r in results] == ["ok", "error", "error", "error", "error"]
    assert stats.requests == 5


def test_the_probe_is_the_first_records_to_finish() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        raise httpx.ConnectError("refused")

    settings = FetchSettings(
        base_url="https://api.test",
        api_key=Secret(KEY),
        retries=2,
        concurrency=1,
        sleep=lambda s: None,
    )
    targets = [Target(f"intg_{n}", None) for n in range(50)]
    with pytest.raises(Unreachable) as stopped:
        fetch_many(targets, settings, transport=httpx.MockTransport(handler))
    assert len(seen) == 3  # one record, every attempt: concurrency 1 probes one record
    results, stats = stopped.value.partial
    assert results[0].message == "could not connect after 3 attempts"
    assert {r.message for r in results[1:]} == {f"not attempted: {stopped.value}"}
    assert stats.requests == 3


def _chained(cause: BaseException) -> httpx.ConnectError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise httpx.ConnectError("failed") from inner
    except httpx.ConnectError as exc:
        return exc


@pytest.mark.parametrize(
    ("cause", "words"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), "connection refused"),
        (socket.gaierror(-2, "Name or service not known"), "the host name does not resolve (DNS)"),
        (ssl.SSLCertVerificationError("bad cert"), "TLS certificate not trusted"),
        (ssl.SSLError("wrong version number"), "TLS handshake failed"),
        (TimeoutError("timed out"), "timed out"),
        (OSError(errno.ENETUNREACH, "unreachable"), "network unreachable"),
        (OSError(errno.EPERM, "odd"), None),
    ],
)
def test_connect_causes_are_named(cause: BaseException, words: str | None) -> None:
    # no DNS lookup, no TLS peer: the exception chains are made here
    assert connect_cause(_chained(cause)) == words


def test_rejected_key_still_writes_every_report(
    run_cli: RunCli, api_key: str, hostile: Start, tmp_path: Path
) -> None:
    server = hostile(lambda request: answer(401, b'{"error": "bad key"}'))
    reports = {
        fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "junit", "markdown", "text", "github")
    }
    code, out, err = run_cli(
        ["check", str(_spec(tmp_path, 30)), "--base-url", server.url, "-q"]
        + [arg for fmt, path in reports.items() for arg in ("--report", f"{fmt}={path}")]
    )
    assert code == 3
    assert err == "drift: error: the API key was rejected (HTTP 401); check SIGMAMIND_API_KEY\n"
    doc = json.loads(reports["json"].read_text(encoding="utf-8"))
    assert doc["exitCode"] == 3
    assert doc["summary"]["errors"] == 30
    assert {i["status"] for i in doc["integrations"]} == {"error"}
    assert "the API key was rejected" in reports["junit"].read_text(encoding="utf-8")
    text = reports["text"].read_text(encoding="utf-8")
    assert text == out  # the same run, the same words
    assert re.search(r"^! not attempted \(\d+\): the API key was rejected", text, re.M)
    assert "Check incomplete" in reports["markdown"].read_text(encoding="utf-8")
    assert "::error title=drift%3A the run stopped::not attempted (" in reports["github"].read_text(
        encoding="utf-8"
    )
