"""Fetch live auth records from the SigmaMind API: bounded concurrency, retries, limits.

httpx is used here and nowhere else. Concurrency is a pool of worker threads over several
small httpx.Client connection pools. Both choices are measured (bench/RESULTS.md): one
large pool spends CPU per request that grows with its size, and sync httpx in threads
costs about a third less CPU per request than httpx.AsyncClient on this workload.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import random
import ssl
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from drift import __version__
from drift.errors import CredentialsError
from drift.model import RunStats
from drift.retry import RetryPolicy, Sleep, TokenBucket, parse_retry_after
from drift.secret import Secret

POOL_SIZE = 8
_BODY_PREVIEW = 120
_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class Target:
    integration_id: str
    auth_id: str | None

    @property
    def path(self) -> str:
        base = f"/v1/integrations/{quote(self.integration_id, safe='')}"
        return base if self.auth_id is None else f"{base}/auth/{quote(self.auth_id, safe='')}"


@dataclass(frozen=True)
class Fetched:
    """What one GET came to: `ok` with a JSON body, `not_found`, or `error`."""

    kind: str
    body: Any = field(default=None, repr=False)  # live values, secrets among them
    message: str = ""
    http_status: int | None = None


@dataclass
class FetchSettings:
    base_url: str
    api_key: Secret
    api_key_env: str = "SIGMAMIND_API_KEY"
    timeout: float = 10.0
    retries: int = 3
    concurrency: int = 10
    max_rps: float | None = None
    deadline: float | None = None
    seed: int | None = None
    sleep: Sleep | None = None  # tests inject one; None waits on the run's stop event


_DEADLINE = "not checked: deadline reached"
_GRACE = 1.0  # seconds a failed run waits for the requests still in flight
_STOPPED = "not checked: the run was stopped"


def _skip_sniffio_lookups() -> None:
    """httpcore runs `import sniffio` on every lock it sets up, to learn which async
    library is running. Without sniffio installed, each attempt searches sys.path again:
    a sixth of the client's CPU at 64 connections (bench/RESULTS.md). Recording the absence
    makes the import fail at once; only done when sniffio is really not installed, and only
    once a fetch starts, so merely importing drift changes nothing."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def tls_context(base_url: str) -> ssl.SSLContext:
    """The TLS context for all of a run's pools. Building one that trusts the CA bundle
    costs ~25 ms of CPU, so there is one per run; plain http (loopback only, redirects
    off) never does TLS and gets one that trusts no CA at all: it could not verify
    anything even if it were used (httpx's verify=True would load the bundle anyway)."""
    if httpx.URL(base_url).scheme == "https":  # lower-cased, whatever the spelling
        return httpx.create_ssl_context()
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class _Run:
    """One fetch run: the clients, the shared limits and counters, and the stop signal."""

    def __init__(
        self,
        settings: FetchSettings,
        transport: httpx.BaseTransport | None,
        total: int,
        on_done: Callable[[int, int], None] | None,
    ) -> None:
        _skip_sniffio_lookups()
        self.s = settings
        self.stats = RunStats()
        self.lock = threading.Lock()  # guards stats, the done count and the progress callback
        self.stop = threading.Event()  # a rejected key or Ctrl-C: take no new work
        # a retry's wait ends at once when the run stops
        self.sleep: Sleep = settings.sleep or self.stop.wait
        self.policy = RetryPolicy(retries=settings.retries, rng=random.Random(settings.seed))
        self.bucket = TokenBucket(settings.max_rps, sleep=self.sleep) if settings.max_rps else None
        self.deadline_at = (time.monotonic() + settings.deadline) if settings.deadline else None
        pools = max(1, math.ceil(settings.concurrency / POOL_SIZE))
        per_pool = math.ceil(settings.concurrency / pools)
        headers = {
            "X-API-Key": settings.api_key.reveal(),
            "Accept": "application/json",
            "User-Agent": f"drift/{__version__}",
        }
        timeout = httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0))
        limits = httpx.Limits(max_connections=per_pool, max_keepalive_connections=per_pool)
        verify = tls_context(settings.base_url)  # one for every pool
        self.clients = [
            httpx.Client(
                base_url=settings.base_url,
                headers=headers,
                timeout=timeout,
                limits=limits,
                verify=verify,
                transport=transport,
                follow_redirects=False,
            )
            for _ in range(pools)
        ]
        self.total = total
        self.done = 0
        self.on_done = on_done

    def count(self, requests: int = 0, retries: int = 0, throttled: int = 0) -> None:
        with self.lock:
            self.stats.requests += requests
            self.stats.retries += retries
            self.stats.throttled += throttled

    def error(self, message: str, status: int | None = None) -> Fetched:
        return Fetched("error", message=self.s.api_key.scrub(message), http_status=status)

    def preview(self, response: httpx.Response) -> str:
        text = response.text.strip().replace("\n", " ")
        return text[:_BODY_PREVIEW] + ("…" if len(text) > _BODY_PREVIEW else "")

    def remaining(self) -> float | None:
        return None if self.deadline_at is None else self.deadline_at - time.monotonic()

    def _send(self, target: Target, client: httpx.Client) -> httpx.Response:
        remaining = self.remaining()
        if remaining is None or remaining >= self.s.timeout:
            return client.get(target.path)
        # the deadline comes first: never wait past it
        return client.get(target.path, timeout=httpx.Timeout(max(remaining, 0.001)))

    def _get(self, target: Target, client: httpx.Client) -> Fetched:
        attempts = self.policy.retries + 1
        failure: Fetched | None = None  # the last attempt's, once there is one
        for attempt in range(attempts):
            if self.bucket:
                self.bucket.acquire()
            if self.stop.is_set():  # a wait above ends early when the run stops
                return failure or self.error(_STOPPED)
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                return self.error(_DEADLINE)
            self.count(requests=1)
            retry_after: float | None = None
            tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
            try:
                response = self._send(target, client)
            except _RETRY_ERRORS as exc:
                remaining = self.remaining()
                if remaining is not None and remaining <= 0:
                    return self.error(_DEADLINE)
                failure = self.error(f"{_describe(exc)} {tries}")
            else:
                status = response.status_code
                if status in (401, 403):
                    raise CredentialsError(
                        f"the API key was rejected (HTTP {status}); check {self.s.api_key_env}"
                    )
                if status == 404:
                    return Fetched("not_found", http_status=404)
                if 200 <= status < 300:
                    return _decode(response, self)
                if status == 429:
                    self.count(throttled=1)
                preview = self.preview(response)
                failure = self.error(
                    f"HTTP {status} {tries}" + (f": {preview}" if preview else ""), status
                )
                if not self.policy.should_retry_status(status):
                    return failure
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if attempt + 1 >= attempts or self.stop.is_set():
                return failure
            delay = self.policy.backoff(attempt, retry_after)
            remaining = self.remaining()
            if remaining is not None and delay > remaining:
                return failure
            self.count(retries=1)
            self.sleep(delay)
        return failure or self.error(_STOPPED)

    def one(self, target: Target, client: httpx.Client) -> Fetched:
        result = self._get(target, client)
        with self.lock:
            self.done += 1
            if self.on_done and not self.stop.is_set():  # nothing shown after the run ends
                self.on_done(self.done, self.total)
        return result

    def close(self) -> None:
        for client in self.clients:
            client.close()


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out waiting for the response"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    return "the connection failed"


def _decode(response: httpx.Response, run: _Run) -> Fetched:
    try:
        return Fetched("ok", body=response.json(), http_status=response.status_code)
    except RecursionError:
        return run.error("the response is JSON nested too deeply to read", response.status_code)
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        return run.error(
            f"the response is not JSON ({kind}): {run.preview(response)!r}", response.status_code
        )


def _close_after(threads: Sequence[threading.Thread], run: _Run) -> None:
    """Close the pools once the requests nobody waits for have ended."""
    for thread in threads:
        if thread.is_alive():
            thread.join()
    run.close()


def fetch_many(
    targets: Sequence[Target],
    settings: FetchSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    on_done: Callable[[int, int], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> tuple[list[Fetched], RunStats]:
    """Fetch every target; results come back in the order of `targets`. `on_start` is
    called once the clients are set up, just before the first request.

    Raises CredentialsError at the first 401/403: a rejected key fails every record alike.
    When the deadline passes, records not yet checked come back as errors.
    """
    run = _Run(settings, transport, len(targets), on_done)
    results: list[Fetched | None] = [None] * len(targets)
    failures: list[BaseException] = []
    claim = itertools.count()  # next() is atomic: every index goes to exactly one worker
    workers = max(1, min(settings.concurrency, len(targets)))
    live = workers
    finished = threading.Event()

    def work(client: httpx.Client) -> None:
        nonlocal live
        try:
            while not run.stop.is_set():
                index = next(claim)
                if index >= len(targets):
                    break
                results[index] = run.one(targets[index], client)
        except BaseException as exc:  # a rejected key, or a bug: the run stops either way
            failures.append(exc)
            run.stop.set()  # now, before another worker takes its next target
        finally:
            with run.lock:
                live -= 1
                if live == 0 or failures:
                    finished.set()

    # Plain daemon threads, each pulling the next index, spread over the pools: measured
    # cheaper per record than an executor's futures, and Ctrl-C need not wait for them.
    threads = [
        threading.Thread(
            target=work,
            args=(run.clients[n % len(run.clients)],),
            name=f"drift-fetch-{n}",
            daemon=True,
        )
        for n in range(workers)
    ]
    if on_start:
        on_start()
    try:
        for thread in threads:
            thread.start()
        finished.wait(run.remaining())  # None: until every worker is done
        if failures:
            raise failures[0]
        in_time = list(results)  # what a late response brings after the deadline is not kept
    finally:
        # Take no new work and end retry waits now. Requests in flight are not waited for
        # after the deadline or Ctrl-C, and only briefly after a rejected key (they
        # usually end at once): the daemon threads end with them, the process need not.
        with run.lock:
            run.stop.set()
        if failures:
            give_up = time.monotonic() + _GRACE
            for thread in threads:
                if thread.is_alive():
                    thread.join(max(0.0, give_up - time.monotonic()))
        with run.lock:
            all_done = live == 0
        if all_done:
            for thread in threads:
                thread.join()  # each has left its loop already
            run.close()
        else:
            threading.Thread(target=_close_after, args=(threads, run), daemon=True).start()
    # what is still missing was not checked before the deadline
    checked = [run.error(_DEADLINE) if r is None else r for r in in_time]
    return checked, run.stats
