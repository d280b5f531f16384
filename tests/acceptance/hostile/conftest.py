"""Fixtures for the hostile-server tests: servers that are always stopped, and a clean
environment with the test key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hostile_server import Hostile, Route
from hostile_support import KEY, PROXY_VARIABLES, Start


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """SIGMAMIND_API_KEY set to KEY; GitHub Actions and proxy variables cleared."""
    monkeypatch.setenv("SIGMAMIND_API_KEY", KEY)
    for name in ("SIGMAMIND_BASE_URL", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", *PROXY_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    return KEY


@pytest.fixture
def hostile() -> Iterator[Start]:
    """Factory: start a Hostile server for a route; stopped after the test."""
    started: list[Hostile] = []

    def start(route: Route) -> Hostile:
        server = Hostile(route).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
