"""A flaky, throttling, connection-dropping API: every record ends checked or reported,
and no fault ever reaches the user as a traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from drift.commands.check import run_check
from drift.emulator import Emulator, generated_data
from drift.live.settings import FetchSettings
from drift.model.results import Status
from drift.secret import Secret
from drift.spec.load import load_valid_spec

EMPTY = {"integrations": [], "auth": []}


def write_spec(path: Path, count: int, seed: int) -> None:
    """A spec that matches generated_data(count, seed) exactly."""
    data = generated_data(count, seed)
    auth = {a["authId"]: a for a in data["auth"]}
    lines = ["version: 1", "integrations:"]
    for integration in data["integrations"]:
        record = auth[integration["authentication"]]
        lines += [
            f"  {integration['integrationId']}:",
            f"    integrationId: {integration['integrationId']}",
            f"    authId: {record['authId']}",
            f"    authType: {record['authType']}",
            "    headers:" + ("" if record["headers"] else " {}"),
            *(f"      {k}: {json.dumps(v)}" for k, v in record["headers"].items()),
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_random_503s_over_real_http_every_record_checked(
    emulator: Callable[..., Emulator], api_key: str, tmp_path: Path
) -> None:
    emu = emulator(EMPTY, generate=500, seed=5, error_rate=0.2)
    write_spec(tmp_path / "spec.yaml", 500, 5)
    spec = load_valid_spec([str(tmp_path / "spec.yaml")])
    delays: list[float] = []
    settings = FetchSettings(
        base_url=emu.url,
        api_key=Secret(api_key),
        retries=8,
        concurrency=16,
        seed=1,
        sleep=delays.append,
    )
    report = run_check(spec.integrations, settings)
    assert {r.status for r in report.results} == {Status.IN_SYNC}
    assert len(report.results) == 500
    assert report.stats.retries == len(delays) > 50  # about a fifth of 500 failed at first
    assert report.stats.requests == 500 + report.stats.retries


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        # the emulator's faults come from one seeded sequence of draws, so how many of the
        # 40 requests fail is fixed whatever order the workers send them in
        ({"drop_rate": 0.3}, 3),
        ({"truncate_rate": 0.3}, 3),
        ({"error_rate": 0.5}, 3),
        ({"burst_every": 3, "burst_length": 2, "burst_retry_after": 0}, 3),
        ({"slow_body": 0.05}, 0),
    ],
    ids=["dropped", "truncated", "errors", "429-bursts", "slow-bodies"],
)
def test_faults_through_the_cli_never_crash(
    faults: dict[str, float],
    expected: int,
    emulator: Callable[..., Emulator],
    run: Callable[[list[str]], tuple[int, str, str]],
    api_key: str,
    tmp_path: Path,
) -> None:
    emu = emulator(EMPTY, generate=40, seed=9, **faults)
    write_spec(tmp_path / "spec.yaml", 40, 9)
    report = tmp_path / "report.json"
    code, out, err = run(
        [
            "check",
            str(tmp_path / "spec.yaml"),
            "--base-url",
            emu.url,
            "--retries",
            "0",
            "--concurrency",
            "8",
            "-q",
            "--report",
            f"json={report}",
        ]
    )
    assert "Traceback" not in out + err
    assert code == expected
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["summary"]["total"] == 40
    assert doc["exitCode"] == code
    for item in doc["integrations"]:
        assert item["status"] in ("in_sync", "error")
        if item["status"] == "error":
            assert item["error"]["message"]


def test_ctrl_c_during_the_fetch_exits_130_at_once(
    emulator: Callable[..., Emulator], api_key: str, tmp_path: Path
) -> None:
    """A real SIGINT to a real `drift check` mid-fetch: one line, exit 130, and no wait
    for the requests still in flight (each would take 30 s)."""
    emu = emulator(EMPTY, generate=20, seed=3, latency=30.0)
    write_spec(tmp_path / "spec.yaml", 20, 3)
    env = {**os.environ, "SIGMAMIND_API_KEY": api_key, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "drift",
            "--debug",
            "check",
            str(tmp_path / "spec.yaml"),
            "--base-url",
            emu.url,
            "--concurrency",
            "4",
            "--timeout",
            "60",
            "--report",
            f"json={tmp_path / 'report.json'}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the start-up line: the workers start right after it
    assert "start-up done" in first
    time.sleep(0.3)  # let the first requests go out
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert time.monotonic() - started < 5
    assert err.strip() == "drift: interrupted"
    assert out == ""
    assert list(tmp_path.iterdir()) == [tmp_path / "spec.yaml"]  # no report, no temp file
