"""`drift emulator` through click's CliRunner, and once for real in a subprocess."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import drift.emulator
from drift.cli.emulator import emulator_command
from drift.emulator import Emulator

REPO = Path(drift.emulator.__file__).resolve().parents[2]
LINE = re.compile(
    r"SigmaMind emulator listening on http://127\.0\.0\.1:\d+ \(dialect (modern|legacy), "
    r"\d+ integrations\)\n"
)


def test_help_has_every_option_and_an_example() -> None:
    result = CliRunner().invoke(emulator_command, ["--help"])
    assert result.exit_code == 0
    for flag in (
        "--data",
        "--host",
        "--allow-remote",
        "--port",
        "--dialect",
        "--api-key-env",
        "--latency",
        "--jitter",
        "--error-rate",
        "--rate-limit",
        "--burst-every",
        "--burst-length",
        "--burst-retry-after",
        "--drop-rate",
        "--truncate-rate",
        "--slow-body",
        "--generate",
        "--seed",
        "--url-file",
        "--verbose",
    ):
        assert flag in result.output
    assert "Example:" in result.output and "curl" in result.output


def test_bad_data_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("integrations: [{integrationId: intg_a, authentication: auth_x}]\n")
    result = CliRunner().invoke(emulator_command, ["--data", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        f"Error: {path}: integrations[0].authentication: no auth record 'auth_x'"
    )


def test_missing_data_file_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(emulator_command, ["--data", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "cannot read data file" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--host", "0.0.0.0"],
        ["--host", "example.com"],
        ["--burst-every", "2", "--burst-length", "2"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(emulator_command, args)
    assert result.exit_code == 2 and "Error:" in result.stderr


def test_ready_line_url_file_and_demo_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # serve_forever would block: call back as if listening, then return at once
    def fake_serve(self: Emulator, on_ready: object) -> None:
        assert callable(on_ready)
        on_ready("http://127.0.0.1:4321")

    monkeypatch.setattr(Emulator, "serve_forever", fake_serve)
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    url_file = tmp_path / "url"
    result = CliRunner().invoke(
        emulator_command,
        [
            "--port",
            "0",
            "--dialect",
            "legacy",
            "--generate",
            "4",
            "--url-file",
            str(url_file),
            "--api-key-env",
            "NO_SUCH_KEY_VAR",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "SigmaMind emulator listening on http://127.0.0.1:4321 (dialect legacy, 10 integrations)\n"
    )
    assert "$NO_SUCH_KEY_VAR is not set; accepting the key 'demo-key'" in result.stderr
    assert url_file.read_text() == "http://127.0.0.1:4321"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serves_until_signalled(tmp_path: Path, sig: signal.Signals) -> None:
    url_file = tmp_path / "url"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), *sys.path]),
        "SIGMAMIND_API_KEY": "real-secret-value",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "drift.emulator", "--port", "0", "--url-file", str(url_file)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not url_file.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        url = url_file.read_text()
        with httpx.Client() as client:
            path = url + "/v1/integrations/intg_AuUKK371Spr5"
            assert client.get(path, headers={"X-API-Key": "real-secret-value"}).status_code == 200
            assert client.get(path, headers={"X-API-Key": "demo-key"}).status_code == 401
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # a SIGTERM is the way to stop a server; Ctrl-C is an interruption, as everywhere
    assert proc.returncode == (130 if sig == signal.SIGINT else 0)
    assert LINE.fullmatch(out) and url in out
    assert "Traceback" not in err and "real-secret-value" not in out + err
