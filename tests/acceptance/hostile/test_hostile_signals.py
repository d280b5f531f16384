"""SIGTERM behaves like Ctrl-C: exit 143, one line, and no temporary report file left
behind, whether it lands while the API hangs or while the reports are being written.
A real process and a real signal, sent once a marker shows the moment has come."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_server import Reply, Request, as_json, hang
from hostile_support import KEY, Start, record, write_spec

from drift.errors import Terminated, on_signal

WAIT = 60.0  # seconds a marker may take on a loaded machine; never reached when all is well


def _drift(tmp_path: Path, url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(SIGMAMIND_API_KEY=KEY, NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "drift", "check", "spec.yaml", "--base-url", url, "-q", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes]) -> None:
    """Poll until the marker shows; a process that ended first fails the test."""
    give_up = time.monotonic() + WAIT
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < give_up, "the marker never showed"
        time.sleep(0.01)


def _leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))


def test_sigterm_while_the_api_hangs(hostile: Start, tmp_path: Path) -> None:
    server = hostile(lambda request: hang())
    write_spec(tmp_path / "spec.yaml", {"svc": {"integrationId": "intg_1", "authType": "API_KEY"}})
    proc = _drift(tmp_path, server.url, "--report", "json=r.json")
    _wait_for(server.arrived.is_set, proc)  # the request is in flight
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 143
    assert (out, err) == (b"", b"drift: terminated\n")
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "r.json").exists()


def test_sigterm_while_the_reports_are_written(hostile: Start, tmp_path: Path) -> None:
    """Reports are staged, then stdout is written, then they are renamed into place. Here
    stdout is a pipe nobody reads and the report is far larger than its buffer, so drift
    is held with its temporary files in place: the signal lands exactly there."""
    big = "v" * 50_000

    def route(request: Request) -> Reply:
        return as_json(record(request.path.rsplit("/", 1)[1], headers={"X-Big": big}))

    server = hostile(route)
    entries = {
        f"svc_{n}": {"integrationId": f"intg_{n}", "authType": "API_KEY", "headers": {"X-Big": ""}}
        for n in range(40)
    }
    write_spec(tmp_path / "spec.yaml", entries)  # every record drifts: 2 MB of JSON
    proc = _drift(tmp_path, server.url, "--format", "json", "--report", "json=r.json")

    def staged() -> bool:  # a temporary report with content (the path probe is empty)
        return any(p.stat().st_size for p in tmp_path.glob(".r.json.*.tmp"))

    _wait_for(staged, proc)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 143, err
    assert err.endswith(b"drift: terminated\n")
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "r.json").exists()


def test_a_signal_between_creating_and_recording_a_temporary_file_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The narrowest window: SIGTERM arrives the moment the temporary file exists. It is
    held until the file is recorded for clean-up, then raised, and the file is gone."""
    import drift.fileio

    real = drift.fileio._temp_beside

    def create_then_signal(target: Path) -> tuple[int, str]:
        made = real(target)
        if made[1].endswith(".tmp") and "report" in made[1]:
            os.kill(os.getpid(), signal.SIGTERM)  # handled before the next line runs
        return made

    monkeypatch.setattr(drift.fileio, "_temp_beside", create_then_signal)
    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        with pytest.raises(Terminated):
            drift.fileio.write_atomic(tmp_path / "report.json", "{}\n")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []
