"""Fixtures of `drift plan` and `drift apply` tests: the real CLI against the emulator on
127.0.0.1, always stopped."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apply_support import DATA, ENV_SECRET, KEY, SPEC

from drift.emulator import Emulator


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API key and $PARTNER_KEY set, GitHub Actions variables cleared."""
    monkeypatch.setenv("SIGMAMIND_API_KEY", KEY)
    monkeypatch.setenv("PARTNER_KEY", ENV_SECRET)
    for name in ("SIGMAMIND_BASE_URL", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def emulator() -> Iterator[Callable[..., Emulator]]:
    """Factory: an Emulator with DATA (or the data given), stopped after the test."""
    started: list[Emulator] = []

    def make(records: Any = None, **kwargs: Any) -> Emulator:
        kwargs.setdefault("api_key", KEY)
        emu = Emulator(copy.deepcopy(DATA) if records is None else records, **kwargs).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "specs" / "spec.yaml"
    path.parent.mkdir()
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture
def read() -> Iterator[Callable[[Emulator, str], Any]]:
    """GET a record from an emulator, as a test looks at it (not through drift)."""
    clients: list[httpx.Client] = []

    def get(emu: Emulator, path: str) -> Any:
        client = httpx.Client(base_url=emu.url, headers={"X-API-Key": KEY}, timeout=5.0)
        clients.append(client)
        return client.get(path).json()

    yield get
    for client in clients:
        client.close()
