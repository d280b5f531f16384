"""Fault injection: every per-record fault, every per-run fault, replayable from a seed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from drift.emulator import Emulator
from drift.emulator.faults import RunFaults, RunState

INTG = "/v1/integrations/intg_f"
AUTH = INTG + "/auth/auth_f"

Make = Callable[..., Emulator]
Connect = Callable[..., httpx.Client]


def faulty(
    auth: dict[str, Any] | None = None, integration: dict[str, Any] | None = None
) -> dict[str, Any]:
    intg: dict[str, Any] = {"integrationId": "intg_f", "name": "F", "authentication": "auth_f"}
    record: dict[str, Any] = {
        "authId": "auth_f",
        "integrationId": "intg_f",
        "authType": "API_KEY",
        "headers": {"X-A": "1"},
    }
    if integration is not None:
        intg["faults"] = integration
    if auth is not None:
        record["faults"] = auth
    return {"integrations": [intg], "auth": [record]}


def timed(client: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def statuses(client: httpx.Client, n: int, path: str = AUTH) -> list[int | str]:
    seen: list[int | str] = []
    for _ in range(n):
        try:
            seen.append(client.get(path).status_code)
        except httpx.RemoteProtocolError:
            seen.append("drop")
    return seen


# -- per record -------------------------------------------------------------------------


def test_status_fault_always_answers_it(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty({"status": 500})))
    for _ in range(3):
        response = client.get(AUTH)
        assert response.status_code == 500
        assert response.json() == {"error": "internal server error"}
        assert "retry-after" not in response.headers
    assert client.get(INTG).status_code == 200  # the integration has no faults


def test_fail_times_then_normal(make_emulator: Make, connect: Connect) -> None:
    emulator = make_emulator(faulty({"status": 429, "failTimes": 1, "retryAfter": 0}))
    client = connect(emulator)
    first = client.get(AUTH)
    assert (first.status_code, first.headers["retry-after"]) == (429, "0")
    assert first.json() == {"error": "too many requests"}
    second = client.get(AUTH)
    assert second.status_code == 200 and "retry-after" not in second.headers
    emulator.reset_counters()
    assert statuses(client, 2) == [429, 200]


def test_retry_after_http_date(make_emulator: Make, connect: Connect) -> None:
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    client = connect(make_emulator(faulty({"status": 503, "retryAfter": date})))
    assert client.get(AUTH).headers["retry-after"] == date


def test_integration_faults_cover_its_endpoints(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty(integration={"status": 502, "failTimes": 2})))
    assert client.get(AUTH).status_code == 200  # the auth record has its own (no) faults
    assert client.get(INTG).status_code == 502
    assert client.post(INTG + "/auth", json={"authType": "NO_AUTH"}).status_code == 502
    assert client.get(INTG).json()["authentication"]["authId"] == "auth_f"  # POST did nothing


def test_failed_patch_changes_nothing(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty({"status": 500, "failTimes": 1})))
    assert client.patch(AUTH, json={"headers": []}).status_code == 500
    assert client.get(AUTH).json()["headers"] == [{"key": "X-A", "value": "1"}]


def test_not_json(make_emulator: Make, connect: Connect) -> None:
    response = connect(make_emulator(faulty({"notJson": True}))).get(AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == "<html>oops</html>"


def test_truncated(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty({"truncated": True, "failTimes": 1})))
    cut, whole = client.get(AUTH), client.get(AUTH)
    assert cut.status_code == 200 and cut.headers["content-type"] == "application/json"
    assert cut.content == whole.content[: len(whole.content) // 2]
    with pytest.raises(json.JSONDecodeError):
        cut.json()


def test_drop_then_recover(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty({"drop": True, "failTimes": 1})))
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(AUTH)
    assert client.get(AUTH).status_code == 200


def test_record_latency(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty({"latency": 0.2})))
    assert timed(client, AUTH)[1] >= 0.2
    assert timed(client, INTG)[0].status_code == 200  # its own latency: none is set


def test_slow_body_sends_headers_first(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty({"slowBody": 0.3})))
    started = time.monotonic()
    with client.stream("GET", AUTH) as response:
        assert response.status_code == 200  # the headers are here before the body
        body = response.read()
    body_at = time.monotonic() - started
    assert body_at >= 0.3
    assert json.loads(body)["authId"] == "auth_f"


# -- per run ----------------------------------------------------------------------------


def test_run_latency_and_jitter(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(latency=0.05, jitter=0.05, seed=1))
    for _ in range(3):
        response, took = timed(client, "/v1/integrations/intg_AuUKK371Spr5")
        # only the lower bound is certain: a loaded machine may add any delay
        assert response.status_code == 200 and took >= 0.05


def test_error_rate_replays_from_seed(make_emulator: Make, connect: Connect) -> None:
    runs = [
        statuses(connect(make_emulator(faulty(), error_rate=0.3, seed=seed)), 30)
        for seed in (1, 1, 2)
    ]
    assert runs[0] == runs[1] != runs[2]
    assert set(runs[0]) == {200, 503}


def test_error_rate_body(make_emulator: Make, connect: Connect) -> None:
    response = connect(make_emulator(error_rate=1.0)).get(AUTH)
    assert (response.status_code, response.json()) == (503, {"error": "service unavailable"})


def test_unauthorized_requests_skip_run_faults(make_emulator: Make, connect: Connect) -> None:
    emulator = make_emulator(faulty(), error_rate=1.0)
    assert connect(emulator, key="wrong").get(AUTH).status_code == 401


def test_burst_of_429s(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty(), burst_every=4, burst_length=2, burst_retry_after=3))
    assert statuses(client, 10) == [200, 200, 200, 429, 429, 200, 200, 429, 429, 200]
    assert client.get(AUTH).status_code == 200
    assert client.get(AUTH).headers["retry-after"] == "3"  # request 12


def test_rate_limit_answers_429(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty(), rate_limit=3))
    assert statuses(client, 3) == [200, 200, 200]
    response = client.get(AUTH)
    assert (response.status_code, response.headers["retry-after"]) == (429, "1")


def test_rate_limit_window_slides() -> None:
    state = RunState(RunFaults(rate_limit=2), seed=0)
    fates = [state.decide(now).status for now in (0.0, 0.5, 0.9, 1.0, 1.2, 1.6)]
    # 0.9 is over the limit; at 1.0 the request from 0.0 has left the window
    assert fates == [None, None, 429, None, 429, None]


def test_drop_rate_replays_from_seed(make_emulator: Make, connect: Connect) -> None:
    runs = [statuses(connect(make_emulator(faulty(), drop_rate=0.4, seed=7)), 20) for _ in range(2)]
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, "drop"}


def test_truncate_rate_cuts_only_successes(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty(), truncate_rate=1.0))
    with pytest.raises(json.JSONDecodeError):
        client.get(AUTH).json()
    assert client.get("/v1/nope").json() == {"error": "not found"}


def test_run_slow_body(make_emulator: Make, connect: Connect) -> None:
    response, took = timed(connect(make_emulator(faulty(), slow_body=0.2)), AUTH)
    assert response.json()["authId"] == "auth_f" and took >= 0.2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"latency": -1},
        {"error_rate": 1.5},
        {"drop_rate": -0.1},
        {"rate_limit": -1},
        {"burst_every": 3, "burst_length": 3},
        {"burst_every": 3, "burst_length": 0},
        {"slow_body": float("nan")},
    ],
)
def test_bad_run_faults(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Emulator(faulty(), **kwargs)


# -- PATCH faults (faults: {patch: ...}) --------------------------------------------------

NEW = {"headers": [{"key": "X-B", "value": "2"}]}
BEFORE = [{"key": "X-A", "value": "1"}]
AFTER = [{"key": "X-B", "value": "2"}]


def patched(client: httpx.Client) -> Any:
    return client.get(AUTH).json()["headers"]


@pytest.mark.parametrize(
    ("status", "applied", "after"), [(500, False, BEFORE), (500, True, AFTER), (409, False, BEFORE)]
)
def test_patch_status_fault(
    make_emulator: Make, connect: Connect, status: int, applied: bool, after: Any
) -> None:
    emulator = make_emulator(faulty({"patch": {"status": status, "applied": applied}}))
    client = connect(emulator)
    response = client.patch(AUTH, json=NEW)
    assert response.status_code == status
    assert patched(client) == after
    assert client.get(AUTH).status_code == 200  # reads are not affected


@pytest.mark.parametrize(("applied", "after"), [(False, BEFORE), (True, AFTER)])
def test_patch_drop_before_or_after_applying(
    make_emulator: Make, connect: Connect, applied: bool, after: Any
) -> None:
    client = connect(make_emulator(faulty({"patch": {"drop": True, "applied": applied}})))
    with pytest.raises(httpx.RemoteProtocolError):
        client.patch(AUTH, json=NEW)
    assert patched(client) == after


def test_patch_fail_times_then_applies(make_emulator: Make, connect: Connect) -> None:
    emulator = make_emulator(faulty({"patch": {"status": 503, "failTimes": 1, "retryAfter": 0}}))
    client = connect(emulator)
    first = client.patch(AUTH, json=NEW)
    assert (first.status_code, first.headers["retry-after"]) == (503, "0")
    assert client.patch(AUTH, json=NEW).status_code == 200
    assert patched(client) == AFTER
    emulator.reset_counters()
    assert client.patch(AUTH, json=NEW).status_code == 503


def test_patch_discard_answers_as_if_applied(make_emulator: Make, connect: Connect) -> None:
    client = connect(make_emulator(faulty({"patch": {"discard": True}})))
    response = client.patch(AUTH, json=NEW)
    assert response.status_code == 200 and response.json()["headers"] == AFTER
    assert patched(client) == BEFORE
    assert client.get(AUTH).json()["updatedAt"] != response.json()["updatedAt"]


def test_reads_fail_once_a_patch_changed_the_record(make_emulator: Make, connect: Connect) -> None:
    emulator = make_emulator(faulty({"patch": {"readStatusAfter": 500}}))
    client = connect(emulator)
    assert client.get(AUTH).status_code == 200
    assert client.patch(AUTH, json={"headers": [{"key": "X-A"}]}).status_code == 400
    assert client.get(AUTH).status_code == 200  # a refused PATCH changed nothing
    assert client.patch(AUTH, json=NEW).status_code == 200
    assert client.get(AUTH).status_code == 500
    emulator.reset_counters()
    assert client.get(AUTH).status_code == 200
