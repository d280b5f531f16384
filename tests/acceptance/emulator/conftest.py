"""Fixtures: emulators on 127.0.0.1 that are always stopped, clients that are always closed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from drift.emulator import Emulator

KEY = "test-key"


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    """Start an Emulator with the test key (override any keyword); stopped after the test."""
    started: list[Emulator] = []

    def make(data: Any = None, **kwargs: Any) -> Emulator:
        kwargs.setdefault("api_key", KEY)
        emulator = Emulator(data, **kwargs).start()
        started.append(emulator)
        return emulator

    yield make
    for emulator in started:
        emulator.stop()


@pytest.fixture
def connect() -> Iterator[Callable[..., httpx.Client]]:
    """An httpx client for an emulator, sending the test key unless told otherwise."""
    clients: list[httpx.Client] = []

    def make(emulator: Emulator, key: str | None = KEY) -> httpx.Client:
        headers = {} if key is None else {"X-API-Key": key}
        client = httpx.Client(base_url=emulator.url, headers=headers, timeout=5.0)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def emu(make_emulator: Callable[..., Emulator]) -> Emulator:
    """The demo data set, modern dialect."""
    return make_emulator()


@pytest.fixture
def client(emu: Emulator, connect: Callable[..., httpx.Client]) -> httpx.Client:
    return connect(emu)
