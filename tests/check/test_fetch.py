"""Fetch and retry internals with httpx.MockTransport: no emulator, no real sleeps."""

from __future__ import annotations

import email.utils
import json
import random
import ssl
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from drift.check import run_check
from drift.errors import CredentialsError, Location, Unreachable, UsageError
from drift.fetch import FetchSettings, Target, fetch_many, tls_context
from drift.hosts import check_base_url
from drift.model import Report, Status
from drift.retry import RETRY_AFTER_CAP, RetryPolicy, TokenBucket, parse_retry_after
from drift.secret import Secret
from drift.spec import DesiredIntegration

API_KEY = "unit-key-Xy7-very-secret"
RECORD = {"authId": "auth_1", "integrationId": "intg_1", "authType": "API_KEY", "headers": []}


class FakeSleep:
    """Records requested delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def settings(sleep: FakeSleep | None = None, **kwargs: object) -> FetchSettings:
    return FetchSettings(
        base_url="https://api.test",
        api_key=Secret(API_KEY),
        sleep=sleep or FakeSleep(),
        seed=kwargs.pop("seed", 7),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )


def scripted(
    *replies: Callable[[httpx.Request], httpx.Response] | int,
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport answering with the given statuses/handlers in turn, then 200 RECORD."""
    seen: list[httpx.Request] = []
    queue = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if queue:
            step = queue.pop(0)
            if callable(step):
                return step(request)
            return httpx.Response(step, json={"error": "x"})
        return httpx.Response(200, json=RECORD)

    return httpx.MockTransport(handler), seen


def one(transport: httpx.MockTransport, **kwargs: object) -> tuple[object, object, FakeSleep]:
    sleep = FakeSleep()
    results, stats = fetch_many(
        [Target("intg_1", "auth_1")], settings(sleep, **kwargs), transport=transport
    )
    return results[0], stats, sleep


# -- retry rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
def test_retryable_statuses_are_retried(status: int) -> None:
    transport, seen = scripted(status, status)
    fetched, stats, sleep = one(transport, retries=3)
    assert fetched.kind == "ok"  # type: ignore[attr-defined]
    assert len(seen) == 3
    assert stats.retries == 2  # type: ignore[attr-defined]
    assert stats.throttled == (2 if status == 429 else 0)  # type: ignore[attr-defined]
    assert len(sleep.delays) == 2


@pytest.mark.parametrize("status", [400, 404, 409, 500, 501])
def test_other_statuses_are_not_retried(status: int) -> None:
    transport, seen = scripted(status)
    fetched, _stats, sleep = one(transport, retries=3)
    assert len(seen) == 1
    assert sleep.delays == []
    if status == 404:
        assert fetched.kind == "not_found"  # type: ignore[attr-defined]
    else:
        assert fetched.kind == "error"  # type: ignore[attr-defined]
        assert fetched.message.startswith(f"HTTP {status} after 1 attempt")  # type: ignore[attr-defined]


def test_retries_exhausted_reports_attempts() -> None:
    transport, seen = scripted(503, 503, 503)
    fetched, _stats, _ = one(transport, retries=2)
    assert len(seen) == 3
    assert fetched.kind == "error"  # type: ignore[attr-defined]
    assert fetched.http_status == 503  # type: ignore[attr-defined]
    assert fetched.message.startswith("HTTP 503 after 3 attempts")  # type: ignore[attr-defined]


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (httpx.ConnectError("refused"), "could not connect"),
        (httpx.ReadTimeout("slow"), "timed out waiting for the response"),
        (httpx.ConnectTimeout("slow"), "connection timed out"),
        (httpx.RemoteProtocolError("closed"), "the connection failed"),
    ],
)
def test_network_errors_are_retried(exc: Exception, words: str) -> None:
    transport, seen = scripted(_raise(exc))
    fetched, _stats, _ = one(transport, retries=1)
    assert fetched.kind == "ok"  # type: ignore[attr-defined]
    assert len(seen) == 2
    transport, seen = scripted(_raise(exc), _raise(exc))
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        # the only record never connected: the API cannot be reached, the run stops
        with pytest.raises(Unreachable) as stopped:
            one(transport, retries=1)
        fetched = stopped.value.partial[0][0]
    else:
        fetched, _, _ = one(transport, retries=1)
    assert fetched.kind == "error"  # type: ignore[attr-defined]
    assert fetched.message == f"{words} after 2 attempts"  # type: ignore[attr-defined]


def test_retry_after_header_is_used() -> None:
    def throttled(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "7"})

    transport, _ = scripted(throttled)
    _, stats, sleep = one(transport)
    assert sleep.delays == [7.0]
    assert stats.throttled == 1  # type: ignore[attr-defined]


def test_rejected_key_raises_and_stops() -> None:
    transport, seen = scripted(401)
    with pytest.raises(CredentialsError) as info:
        fetch_many(
            [Target(f"intg_{i}", None) for i in range(30)],
            settings(concurrency=1),
            transport=transport,
        )
    assert str(info.value) == "the API key was rejected (HTTP 401); check SIGMAMIND_API_KEY"
    assert len(seen) == 1


def test_api_key_sent_and_echoed_key_scrubbed() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-API-Key"] == API_KEY
        return httpx.Response(400, text=f"bad key {request.headers['X-API-Key']} here")

    transport, _ = scripted(echo)
    fetched, _, _ = one(transport)
    assert API_KEY not in fetched.message  # type: ignore[attr-defined]
    assert "bad key <redacted> here" in fetched.message  # type: ignore[attr-defined]


def test_secret_repr_never_shows_the_key() -> None:
    secret = Secret(API_KEY)
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", repr(settings())):
        assert API_KEY not in shown
    assert secret.reveal() == API_KEY
    assert secret.scrub(f"x{API_KEY}y") == "x<redacted>y"
    assert Secret("").scrub("text") == "text"


def test_not_json_body() -> None:
    transport, _ = scripted(
        lambda r: httpx.Response(200, text="<html>hi</html>", headers={"Content-Type": "text/html"})
    )
    fetched, _, _ = one(transport)
    assert fetched.kind == "error"  # type: ignore[attr-defined]
    # never the body of a 2xx: it holds live values, secrets among them
    assert fetched.message == "the response is not JSON (text/html, 15 bytes)"  # type: ignore[attr-defined]


# -- Retry-After parsing, backoff, token bucket --------------------------------------------


def test_parse_retry_after_forms() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after(" 12 ") == 12.0
    assert parse_retry_after("100000") == RETRY_AFTER_CAP
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    future = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(future, now=now) == pytest.approx(30.0)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0
    far = email.utils.formatdate(now + 3600, usegmt=True)
    assert parse_retry_after(far, now=now) == RETRY_AFTER_CAP


def test_full_jitter_backoff_bounds() -> None:
    policy = RetryPolicy(retries=10, base=0.5, cap=4.0, rng=random.Random(1234))
    for attempt in range(10):
        ceiling = min(4.0, 0.5 * 2**attempt)
        draws = [policy.backoff(attempt) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8  # full jitter spreads over the whole range
    assert policy.backoff(5, retry_after=2.5) == 2.5
    again = RetryPolicy(rng=random.Random(99))
    same = RetryPolicy(rng=random.Random(99))
    assert [again.backoff(i) for i in range(5)] == [same.backoff(i) for i in range(5)]


def test_token_bucket_with_fake_clock() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(2.0, burst=2, clock=lambda: now[0], sleep=sleep)
    for _ in range(6):
        bucket.acquire()
    # two in the burst, then one every 1/rate seconds
    assert slept == pytest.approx([0.5, 0.5, 0.5, 0.5])
    assert now[0] == pytest.approx(102.0)
    with pytest.raises(ValueError):
        TokenBucket(0)


def test_max_rps_paces_requests_through_the_sleep() -> None:
    transport, seen = scripted()
    sleep = FakeSleep()
    fetch_many(
        [Target(f"intg_{i}", None) for i in range(5)],
        settings(sleep, max_rps=1000.0, concurrency=2),
        transport=transport,
    )
    assert len(seen) == 5


# -- deadline ------------------------------------------------------------------------------


def _item(name: str, auth_type: str = "API_KEY") -> DesiredIntegration:
    here = Location("spec.yaml", 1, 1)
    return DesiredIntegration(name, f"intg_{name}", None, auth_type, None, here, here)


class FakeClock:
    """A monotonic clock that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _deadline_run(items: list[DesiredIntegration]) -> Report:
    """run_check over `items` with a 0.1 s deadline on a fake clock: the "fast" record is
    answered at once; the "slow" one passes the deadline while in flight (its request
    moves the clock on once the fast one is done) and is never answered in time."""
    clock, fast_done, release = FakeClock(), threading.Event(), threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if "slow" in request.url.path:
            assert fast_done.wait(10)
            clock.now += 60  # the deadline passes while this request is in flight
            release.wait(10)  # MockTransport cannot be interrupted: let it end later
        body = {
            "integrationId": request.url.path.rsplit("/", 1)[1],
            "authentication": {
                "authType": "API_KEY",
                "authId": "auth_1",
                "integrationId": request.url.path.rsplit("/", 1)[1],
            },
        }
        return httpx.Response(200, json=body)

    try:
        return run_check(
            items,
            settings(deadline=0.1, clock=clock),
            transport=httpx.MockTransport(handler),
            on_done=lambda done, total: fast_done.set(),
        )
    finally:
        release.set()


def test_deadline_marks_unchecked_records() -> None:
    report = _deadline_run([_item("fast"), _item("slow")])
    by_name = {r.name: r for r in report.results}
    assert by_name["fast"].status is Status.IN_SYNC
    assert by_name["slow"].status is Status.ERROR
    assert by_name["slow"].error.message == "not checked: deadline reached"  # type: ignore[union-attr]
    assert report.exit_code == 3

    report = _deadline_run([_item("fast", "NO_AUTH"), _item("slow")])
    assert report.exit_code == 1  # drift outranks incomplete


def test_deadline_stops_retrying() -> None:
    transport, seen = scripted(lambda r: httpx.Response(503, headers={"Retry-After": "30"}))
    fetched, _stats, sleep = one(transport, deadline=0.5, retries=3, clock=FakeClock())
    assert len(seen) == 1
    assert sleep.delays == []
    assert fetched.message.startswith("HTTP 503 after 1 attempt")  # type: ignore[attr-defined]


# -- many records, random failures ---------------------------------------------------------


def test_random_503s_with_retries_check_everything() -> None:
    rng = random.Random(2024)
    failures = [0]

    def flaky(request: httpx.Request) -> httpx.Response:
        if rng.random() < 0.2:
            failures[0] += 1
            return httpx.Response(503)
        iid = request.url.path.rsplit("/", 1)[1]
        return httpx.Response(
            200, json={
                "integrationId": iid,
                "authentication": {"authType": "api_key", "authId": "a_1", "integrationId": iid},
            },
        )

    items = [_item(f"n{i:03d}") for i in range(600)]
    sleep = FakeSleep()
    report = run_check(
        items, settings(sleep, retries=8, concurrency=16), transport=httpx.MockTransport(flaky)
    )
    assert report.summary() == {
        "total": 600,
        "inSync": 600,
        "drifted": 0,
        "notFound": 0,
        "errors": 0,
    }
    assert failures[0] > 60
    assert report.stats.retries == failures[0] == len(sleep.delays)
    assert report.stats.requests == 600 + failures[0]
    assert report.exit_code == 0


def test_results_keep_target_order() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"path": request.url.path})

    targets = [Target(f"intg_{i}", "a/b" if i % 2 else None) for i in range(25)]
    results, stats = fetch_many(
        targets, settings(concurrency=5), transport=httpx.MockTransport(answer)
    )
    assert [r.body["path"] for r in results] == [  # type: ignore[index]
        httpx.URL("https://api.test" + t.path).path for t in targets
    ]
    assert stats.requests == 25
    assert json.dumps(stats.__dict__)


# -- base URL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://api.sigmamind.ai", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:9"],
)
def test_base_url_accepted(url: str) -> None:
    assert check_base_url(url + "/") == url


@pytest.mark.parametrize("url", ["http://example.com", "ftp://127.0.0.1", "https://", "api.test"])
def test_base_url_refused(url: str) -> None:
    with pytest.raises(UsageError):
        check_base_url(url)


@pytest.mark.parametrize("url", ["http://127.example.com", "http://127.0.0.1.nip.io"])
def test_base_url_loopback_lookalike_refused(url: str) -> None:
    with pytest.raises(UsageError):
        check_base_url(url)


# -- stopping ------------------------------------------------------------------------------


def _rejected_run(
    handler: Callable[[httpx.Request], httpx.Response], targets: int, **kwargs: object
) -> None:
    """fetch_many over `targets` targets, expected to stop on a rejected key. No sleep is
    injected: the run's own stop-aware waits, as in real use."""
    with pytest.raises(CredentialsError):
        fetch_many(
            [Target(f"intg_{i}", None) for i in range(targets)],
            FetchSettings(base_url="https://api.test", api_key=Secret(API_KEY), **kwargs),  # type: ignore[arg-type]
            transport=httpx.MockTransport(handler),
        )


def test_no_request_goes_out_after_a_rejected_key() -> None:
    """Workers waiting out a Retry-After when the key is rejected send nothing more."""
    seen: list[str] = []
    rejected = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("intg_0"):
            # reject only once the others are in their backoff
            while len(seen) < 4:
                time.sleep(0.001)
            rejected.set()
            return httpx.Response(401)
        return httpx.Response(503, headers={"Retry-After": "30"})

    _rejected_run(handler, 4, concurrency=4, retries=3)
    assert rejected.is_set()
    time.sleep(0.05)  # a worker that wrongly went on would have sent its retry by now
    assert len(seen) == 4


def test_no_request_goes_out_after_a_rejected_key_with_max_rps() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(401)

    _rejected_run(handler, 6, concurrency=6, max_rps=2.0)
    time.sleep(0.05)
    assert len(seen) == 1  # the others were waiting for a token when the key was rejected


@pytest.mark.parametrize("trigger", ["rejected key", "deadline"])
def test_the_run_does_not_wait_for_requests_in_flight(trigger: str) -> None:
    """After a rejected key or the deadline, fetch_many returns while a slow request is
    still being answered; the request ends on its own later."""
    release, slow_done, slow_started = threading.Event(), threading.Event(), threading.Event()
    fast_done = threading.Event()
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("slow"):
            slow_started.set()
            if trigger == "deadline":
                assert fast_done.wait(10)
                clock.now += 60  # the deadline passes while this request is in flight
            release.wait(10)
            slow_done.set()
            return httpx.Response(200, json=RECORD)
        if trigger == "rejected key":
            assert slow_started.wait(10)  # the slow request is in flight by now
            return httpx.Response(401)
        return httpx.Response(200, json=RECORD)

    targets = [Target("intg_slow", None), Target("intg_fast", None)]
    transport = httpx.MockTransport(handler)
    try:
        if trigger == "rejected key":
            with pytest.raises(CredentialsError):
                fetch_many(targets, settings(concurrency=2), transport=transport)
        else:
            results, _ = fetch_many(
                targets,
                settings(concurrency=2, deadline=0.2, clock=clock),
                transport=transport,
                on_done=lambda done, total: fast_done.set(),
            )
            assert results[0].message == "not checked: deadline reached"
            assert results[1].kind == "ok"
        assert not slow_done.is_set()
    finally:
        release.set()
    assert slow_done.wait(10)


@pytest.mark.parametrize(
    ("url", "verifies"),
    [("https://api.test", True), ("HTTPS://api.test", True), ("http://127.0.0.1:8787", False)],
)
def test_tls_context_verifies_every_https_spelling(url: str, verifies: bool) -> None:
    context = tls_context(url)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    # plain http gets a context that trusts nothing: it cannot verify anything at all
    assert (context.cert_store_stats()["x509_ca"] > 0) is verifies
