"""drift.apply over httpx.MockTransport: the paths an emulator does not easily take
(a legacy id spelling, a plan edited by hand, a record replaced meanwhile, an interrupt
while reading back, a rejected key while reading again)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from drift.commands.apply import apply_plan, default_max_changes, preflight
from drift.errors import Location, UsageError
from drift.live.fetch import FetchSettings
from drift.live.normalize import normalize_auth
from drift.model.plan import NONE, UPDATE, LiveState, Plan, PlanHeader, PlannedRecord
from drift.model.results import Status
from drift.secret import Secret

KEY = "unit-apply-key-Rt6-4242"
BASE = "https://api.test"
HERE = Location("s.yaml", 3, 3)
SECRET = "kept-secret-Lp0-5555"


def body(headers: list[tuple[str, str]], auth_id: str = "auth_A") -> dict[str, Any]:
    return {
        "authId": auth_id,
        "integrationId": "intg_A",
        "authType": "API_KEY",
        "headers": [{"key": k, "value": v} for k, v in headers],
        "updatedAt": "2024-01-01T00:00:00Z",
    }


BEFORE = body([("X-A", "1"), ("Authorization", SECRET)])
SENT = body([("X-A", "2"), ("Authorization", SECRET)])


def planned(
    live: dict[str, Any] = BEFORE, action: str = UPDATE, auth_id: str | None = "auth_A"
) -> PlannedRecord:
    headers = (
        (
            PlanHeader("X-A", "spec", value="2"),
            PlanHeader("Authorization", "live", sha256=hashlib.sha256(SECRET.encode()).hexdigest()),
        )
        if action == UPDATE
        else ()
    )
    return PlannedRecord(
        name="a",
        integration_id="intg_A",
        auth_id=auth_id,
        auth_type="API_KEY",
        source=HERE,
        action=action,
        status=Status.DRIFTED if action == UPDATE else Status.IN_SYNC,
        live=LiveState.of(normalize_auth(live)),
        headers=headers,
    )


def plan(*records: PlannedRecord) -> Plan:
    return Plan(BASE, "2026-01-01T00:00:00Z", list(records))


def settings() -> FetchSettings:
    return FetchSettings(base_url=BASE, api_key=Secret(KEY), retries=0, sleep=lambda s: None)


Answer = Callable[[httpx.Request], httpx.Response]


def server(*answers: Any) -> tuple[httpx.MockTransport, list[tuple[str, str, bytes]]]:
    """Answers each request with the next item: a JSON body (200), a status, an exception
    to raise, or a handler."""
    seen: list[tuple[str, str, bytes]] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, request.content))
        step = queue.pop(0)
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, int):
            return httpx.Response(step, json={"error": "x"})
        if callable(step):
            return step(request)
        return httpx.Response(200, json=step)

    return httpx.MockTransport(handler), seen


def test_applied_and_verified_with_the_kept_secret_from_the_fresh_read() -> None:
    transport, seen = server(BEFORE, SENT, SENT)
    applied = apply_plan(plan(planned()), settings(), {}, transport=transport)
    (result,) = applied.report.results
    assert (result.status, result.action, result.error) == (Status.IN_SYNC, "applied", None)
    assert [(m, p) for m, p, _ in seen] == [
        ("GET", "/v1/integrations/intg_A/auth/auth_A"),
        ("PATCH", "/v1/integrations/intg_A/auth/auth_A"),
        ("GET", "/v1/integrations/intg_A/auth/auth_A"),
    ]
    assert json.loads(seen[1][2]) == {
        "headers": [{"key": "X-A", "value": "2"}, {"key": "Authorization", "value": SECRET}]
    }
    assert applied.report.stats.requests == 3


def test_the_embedded_record_is_patched_under_the_id_as_the_api_spells_it() -> None:
    legacy = {**BEFORE, "authId": "auth-A"}
    integration = {"integrationId": "intg_A", "authentication": legacy}
    sent = {"integrationId": "intg_A", "authentication": {**SENT, "authId": "auth-A"}}
    transport, seen = server(integration, SENT, sent)
    record = planned(live=legacy, auth_id=None)
    applied = apply_plan(plan(record), settings(), {}, transport=transport)
    assert applied.report.results[0].status is Status.IN_SYNC
    assert seen[1][:2] == ("PATCH", "/v1/integrations/intg_A/auth/auth-A")


def test_a_kept_secret_that_is_not_the_one_planned_is_stale() -> None:
    record = planned()
    edited = replace(
        record, headers=(record.headers[0], replace(record.headers[1], sha256="0" * 64))
    )
    transport, seen = server(BEFORE)
    (result,) = apply_plan(plan(edited), settings(), {}, transport=transport).report.results
    assert (result.status, result.action) == (Status.DRIFTED, "stale")
    assert result.error is not None
    assert result.error.message == (
        "stale: the live value of Authorization is not the one the plan saw; not touched, "
        "run drift plan again"
    )
    assert [m for m, _, _ in seen] == ["GET"]


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        ({**BEFORE, "updatedAt": "2025-01-01T00:00:00Z"}, "updatedAt 2024-01-01T00:00:00Z -> 2025"),
        ({**BEFORE, "authType": "NO_AUTH"}, "its headers or authType changed"),
    ],
)
def test_a_record_with_nothing_to_do_that_changed_is_stale(now: Any, reason: str) -> None:
    transport, _ = server(now)
    record = planned(action=NONE)
    (result,) = apply_plan(plan(record), settings(), {}, transport=transport).report.results
    assert (result.status, result.action) == (Status.DRIFTED, "stale")
    assert result.error is not None and reason in result.error.message


@pytest.mark.parametrize(
    ("now", "message"),
    [
        (404, "stale: the record no longer exists (HTTP 404); run drift plan again"),
        (
            {"integrationId": "intg_A", "authentication": None},
            "stale: the integration no longer has an auth record; run drift plan again",
        ),
        (
            {"integrationId": "intg_A", "authentication": {**BEFORE, "authId": "auth_New"}},
            "stale: the record changed since the plan (the integration's auth record is now "
            "auth_New, not auth_A); not touched, run drift plan again",
        ),
    ],
)
def test_a_record_gone_or_replaced_is_stale(now: Any, message: str) -> None:
    transport, seen = server(now)
    record = planned(auth_id=None)
    (result,) = apply_plan(plan(record), settings(), {}, transport=transport).report.results
    assert (result.status, result.action) == (Status.DRIFTED, "stale")
    assert result.error is not None and result.error.message == message
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("back", "status", "action", "message"),
    [
        (
            body([("X-A", "9")]),
            Status.ERROR,
            "failed",
            'the PATCH\'s outcome was unknown (HTTP 500 after 1 attempt: {"error":"x"}); the '
            "record read back matches neither the plan nor what was sent",
        ),
        (
            500,
            Status.ERROR,
            "failed",
            'the PATCH\'s outcome was unknown (HTTP 500 after 1 attempt: {"error":"x"}); the '
            'record could not be read back: HTTP 500 after 1 attempt: {"error":"x"}; run '
            "drift plan again",
        ),
    ],
)
def test_an_unknown_outcome_is_judged_by_reading_back(
    back: Any, status: Status, action: str, message: str
) -> None:
    transport, seen = server(BEFORE, 500, back)
    (result,) = apply_plan(plan(planned()), settings(), {}, transport=transport).report.results
    assert (result.status, result.action) == (status, action)
    assert result.error is not None and result.error.message == message
    assert [m for m, _, _ in seen].count("PATCH") == 1


def test_an_accepted_patch_read_back_under_another_auth_id_differs() -> None:
    transport, _ = server(BEFORE, SENT, {**SENT, "authId": "auth_Other"})
    (result,) = apply_plan(plan(planned()), settings(), {}, transport=transport).report.results
    assert (result.status, result.action) == (Status.DRIFTED, "applied")
    assert result.error is not None
    assert "differs from what was sent (a header value differs)" in result.error.message


def test_read_back_that_differs_names_the_headers() -> None:
    transport, _ = server(BEFORE, SENT, body([("X-A", "2"), ("X-New", "n")]))
    (result,) = apply_plan(plan(planned()), settings(), {}, transport=transport).report.results
    assert result.error is not None
    assert "(authorization sent, not read back; x-new read back, not sent)" in result.error.message


def test_an_interrupt_while_reading_back_still_reports_what_was_sent() -> None:
    transport, _ = server(BEFORE, SENT, KeyboardInterrupt())
    applied = apply_plan(plan(planned()), settings(), {}, transport=transport)
    assert isinstance(applied.interrupted, KeyboardInterrupt)
    (result,) = applied.report.results
    assert (result.status, result.action) == (Status.ERROR, "applied")
    assert result.error is not None
    assert result.error.message == "applied (HTTP 200), not verified: interrupted"


def test_a_rejected_key_while_reading_again_sends_nothing() -> None:
    transport, seen = server(401)
    applied = apply_plan(plan(planned()), settings(), {}, transport=transport)
    assert applied.report.stopped == (
        "the API key was rejected (HTTP 401); check SIGMAMIND_API_KEY"
    )
    (result,) = applied.report.results
    assert (result.status, result.action) == (Status.ERROR, "failed")
    assert [m for m, _, _ in seen] == ["GET"]
    assert int(applied.report.exit_code) == 3


def test_secrets_in_error_messages_are_redacted() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text=f"upstream said {SECRET} and {KEY}")

    transport, _ = server(BEFORE, echo, 500)
    (result,) = apply_plan(plan(planned()), settings(), {}, transport=transport).report.results
    assert result.error is not None
    assert SECRET[:8] not in result.error.message and KEY[:8] not in result.error.message


def test_preflight() -> None:
    one = plan(planned())
    assert default_max_changes(one) == 1
    assert default_max_changes(plan(*[replace(planned(), name=str(i)) for i in range(9)])) == 2
    assert preflight(one, BASE + "/", {}, None) == {}
    with pytest.raises(UsageError, match="more than --max-changes 0; nothing was sent"):
        preflight(one, BASE, {}, 0)
    needs = plan(replace(planned(), headers=(PlanHeader("X-K", "env", env="K_ONE"),)))
    with pytest.raises(UsageError, match="environment variable K_ONE not set"):
        preflight(needs, BASE, {}, None)
    assert preflight(needs, BASE, {"K_ONE": "value-of-k-one"}, None) == {"K_ONE": "value-of-k-one"}


def test_the_deadline_bounds_the_whole_apply() -> None:
    now = [0.0]

    def slow_read(request: httpx.Request) -> httpx.Response:
        now[0] = 20.0  # the read again took the whole --deadline
        return httpx.Response(200, json=BEFORE)

    transport, seen = server(slow_read)
    timed = replace(settings(), deadline=10.0, clock=lambda: now[0])
    (result,) = apply_plan(plan(planned()), timed, {}, transport=transport).report.results
    assert (result.status, result.action) == (Status.ERROR, "failed")
    assert result.error is not None
    assert result.error.message == "not attempted: deadline reached"
    assert [m for m, _, _ in seen] == ["GET"]  # no PATCH went out
