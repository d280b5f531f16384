"""drift.patch over httpx.MockTransport: what a PATCH sends, and that it is sent again
only when it certainly did nothing (no connection; 429 or 503), never when its outcome is
unknown. No real sleeps: the retry waits are recorded."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

import httpx
import pytest

from drift.errors import Terminated
from drift.live.fetch import FetchSettings, Target
from drift.live.patch import ACCEPTED, REFUSED, UNKNOWN, PatchRequest, patch_all
from drift.secret import Secret

KEY = "unit-patch-key-Pq4-0001"
SECRET = "sent-secret-value-Hq2-777"
RECORD = {"authId": "auth_A", "integrationId": "intg_A", "authType": "API_KEY", "headers": []}
REQUEST = PatchRequest(Target("intg_A", "auth_A"), (("X-A", "1"), ("X-Api-Key", SECRET)))

Step = Callable[[httpx.Request], httpx.Response] | int | Exception


def settings(sleeps: list[float], **kwargs: object) -> FetchSettings:
    return FetchSettings(
        base_url="https://api.test",
        api_key=Secret(KEY),
        sleep=sleeps.append,
        seed=3,
        **kwargs,  # type: ignore[arg-type]
    )


def scripted(*steps: Step) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Answers with each step in turn (a status, an exception to raise, a handler), then
    200 with the record."""
    seen: list[httpx.Request] = []
    queue = list(steps)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if queue:
            step = queue.pop(0)
            if isinstance(step, Exception):
                raise step
            if callable(step):
                return step(request)
            return httpx.Response(step, json={"error": "x"}, headers={"Retry-After": "2"})
        return httpx.Response(200, json=RECORD)

    return httpx.MockTransport(handler), seen


def test_the_body_is_the_header_list_and_nothing_else() -> None:
    transport, seen = scripted()
    run = patch_all([REQUEST], settings([]), transport=transport)
    assert [o.kind for o in run.outcomes] == [ACCEPTED]
    assert run.outcomes[0].body == RECORD
    (request,) = seen
    assert (request.method, request.url.path) == ("PATCH", "/v1/integrations/intg_A/auth/auth_A")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-api-key"] == KEY
    # never authType (fixed at creation) nor a credential field: only the headers
    assert json.loads(request.content) == {
        "headers": [{"key": "X-A", "value": "1"}, {"key": "X-Api-Key", "value": SECRET}]
    }
    assert (run.stats.requests, run.stopped, run.interrupted) == (1, None, None)


@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_are_sent_again_after_retry_after(status: int) -> None:
    transport, seen = scripted(status, status)
    sleeps: list[float] = []
    run = patch_all([REQUEST], settings(sleeps), transport=transport)
    assert run.outcomes[0].kind == ACCEPTED
    assert (len(seen), sleeps, run.stats.retries) == (3, [2.0, 2.0], 2)


def test_a_connection_never_made_is_tried_again() -> None:
    transport, seen = scripted(httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"))
    sleeps: list[float] = []
    run = patch_all([REQUEST], settings(sleeps), transport=transport)
    assert run.outcomes[0].kind == ACCEPTED
    assert len(seen) == 3 and len(sleeps) == 2


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (500, "HTTP 500 after 1 attempt"),
        (502, "HTTP 502 after 1 attempt"),
        (504, "HTTP 504 after 1 attempt"),
        (httpx.ReadTimeout("late"), "timed out waiting for the response after 1 attempt"),
        (httpx.RemoteProtocolError("gone"), "the connection failed after 1 attempt"),
        (httpx.WriteError("broken"), "the connection failed after 1 attempt"),
    ],
)
def test_an_unknown_outcome_is_never_sent_again(step: Step, message: str) -> None:
    transport, seen = scripted(step)
    sleeps: list[float] = []
    run = patch_all([REQUEST], settings(sleeps), transport=transport)
    assert (run.outcomes[0].kind, len(seen), sleeps) == (UNKNOWN, 1, [])
    assert run.outcomes[0].message.startswith(message)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (409, "HTTP 409"),
        (400, "HTTP 400"),
        (408, "HTTP 408"),
        (404, "the auth record does not exist (HTTP 404)"),
    ],
)
def test_a_4xx_is_a_refusal(status: int, message: str) -> None:
    transport, seen = scripted(status)
    run = patch_all([REQUEST], settings([]), transport=transport)
    assert (run.outcomes[0].kind, len(seen)) == (REFUSED, 1)
    assert run.outcomes[0].message.startswith(message)
    assert run.outcomes[0].http_status == status


def test_retries_used_up_is_a_refusal() -> None:
    transport, seen = scripted(503, 503)
    run = patch_all([REQUEST], settings([], retries=1), transport=transport)
    assert (run.outcomes[0].kind, len(seen)) == (REFUSED, 2)
    assert run.outcomes[0].message.startswith("HTTP 503 after 2 attempts")


def test_an_accepted_answer_that_cannot_be_read_is_still_accepted() -> None:
    transport, _ = scripted(lambda r: httpx.Response(200, text="<html>"))
    run = patch_all([REQUEST], settings([]), transport=transport)
    assert run.outcomes[0].kind == ACCEPTED
    assert run.outcomes[0].message.startswith("the response is not JSON")


def test_an_echoed_secret_is_redacted_from_the_error() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text=f"bad value {SECRET} in {request.content.decode()}")

    transport, _ = scripted(echo)
    run = patch_all([REQUEST], settings([]), secrets=[SECRET], transport=transport)
    message = run.outcomes[0].message
    assert SECRET[:8] not in message and SECRET[-8:] not in message
    assert message.startswith("HTTP 400 after 1 attempt: bad value <redacted>")


@pytest.mark.parametrize("status", [401, 403])
def test_a_rejected_key_stops_the_run(status: int) -> None:
    transport, seen = scripted(status)
    second = PatchRequest(Target("intg_B", "auth_B"), (("X-B", "1"),))
    run = patch_all([REQUEST, second], settings([]), transport=transport)
    assert run.stopped == f"the API key was rejected (HTTP {status}); check SIGMAMIND_API_KEY"
    assert [o.kind for o in run.outcomes] == [REFUSED, REFUSED]
    assert run.outcomes[1].message == f"not attempted: {run.stopped}"
    assert len(seen) == 1


@pytest.mark.parametrize("signal", [KeyboardInterrupt(), Terminated()])
def test_an_interrupt_leaves_the_request_in_flight_unknown(signal: BaseException) -> None:
    def interrupted(request: httpx.Request) -> httpx.Response:
        raise signal

    transport, seen = scripted(200, interrupted)
    second = PatchRequest(Target("intg_B", "auth_B"), (("X-B", "1"),))
    third = PatchRequest(Target("intg_C", "auth_C"), (("X-C", "1"),))
    run = patch_all([REQUEST, second, third], settings([]), transport=transport)
    assert run.interrupted is signal
    assert [o.kind for o in run.outcomes] == [ACCEPTED, UNKNOWN, REFUSED]
    assert run.outcomes[2].message == "not attempted: interrupted"
    assert len(seen) == 2


def test_no_patch_goes_out_after_the_deadline() -> None:
    now = itertools.chain([0.0], itertools.repeat(5.0))  # the run starts, then time is up
    transport, seen = scripted()
    run = patch_all(
        [REQUEST], settings([], deadline=1.0, clock=lambda: next(now)), transport=transport
    )
    assert (run.outcomes[0].kind, seen) == (REFUSED, [])
    assert run.outcomes[0].message == "not attempted: deadline reached"


def test_the_rate_limit_holds_for_patches_too() -> None:
    transport, seen = scripted()
    sleeps: list[float] = []
    second = PatchRequest(Target("intg_B", "auth_B"), (("X-B", "1"),))
    run = patch_all(
        [REQUEST, second, REQUEST],
        settings(sleeps, max_rps=1.0, clock=lambda: sum(sleeps)),  # time passes by sleeping
        transport=transport,
    )
    assert [o.kind for o in run.outcomes] == [ACCEPTED] * 3
    assert len(seen) == 3 and sleeps == [1.0, 1.0]  # a token per second after the first
