"""Shared helpers for the `drift check` family of tests: run the CLI in-process, start
emulators on 127.0.0.1 that are always stopped."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from drift.emulator import Emulator

KEY = "check-test-key-Zq81"
RunCli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def run(
    run_cli: Callable[[list[str]], tuple[int, str, str]],
) -> Callable[[list[str]], tuple[int, str, str]]:
    """Run `drift ARGS` in-process; returns (exit code, stdout, stderr)."""
    return run_cli


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """SIGMAMIND_API_KEY set to the emulators' key; GitHub Actions variables cleared."""
    monkeypatch.setenv("SIGMAMIND_API_KEY", KEY)
    for name in ("SIGMAMIND_BASE_URL", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    return KEY


@pytest.fixture
def emulator() -> Iterator[Callable[..., Emulator]]:
    """Factory: start an Emulator (test key unless overridden); stopped after the test."""
    started: list[Emulator] = []

    def make(data: Any = None, **kwargs: Any) -> Emulator:
        kwargs.setdefault("api_key", KEY)
        emu = Emulator(data, **kwargs).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()
