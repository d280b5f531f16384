"""Fetch live auth records from the SigmaMind API: bounded concurrency, retries, limits.

httpx is used here and in `transport`, nowhere else. Concurrency is a pool of worker
threads over several small httpx.Client connection pools. Both choices are measured
(bench/RESULTS.md): one large pool spends CPU per request that grows with its size, and
sync httpx in threads costs about a third less CPU per request than httpx.AsyncClient on
this workload.

Every response is bounded: its body is read as a stream and decoded step by step, never
more than --max-response-bytes of it, and the whole request (connect, headers, body) ends
by --timeout (see `transport`).
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import itertools
import json
import math
import random
import socket
import ssl
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

import httpx

from drift import __version__
from drift.errors import CredentialsError, FetchError, Unreachable
from drift.hosts import Proxy
from drift.model import NOT_ATTEMPTED, RunStats
from drift.retry import Clock, RetryPolicy, Sleep, TokenBucket, parse_retry_after
from drift.secret import Redactor, Secret, hide_credentials
from drift.transport import Transport, deadline

POOL_SIZE = 8
MAX_RESPONSE_BYTES = 1024 * 1024
_BODY_PREVIEW = 120  # characters of an error body shown
_PREVIEW_BYTES = 16 * 1024  # read of an error body for its preview; the rest is never read
_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)


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
    timeout: float = 10.0  # seconds for a whole request: connect, headers and body
    retries: int = 3
    concurrency: int = 10
    max_rps: float | None = None
    deadline: float | None = None
    seed: int | None = None
    sleep: Sleep | None = None  # tests inject one; None waits on the run's stop event
    max_response_bytes: int = MAX_RESPONSE_BYTES
    proxy: Proxy | None = None
    clock: Clock = time.monotonic  # for every deadline; tests inject a fake one


_DEADLINE = "not checked: deadline reached"
_GRACE = 1.0  # seconds a failed run waits for the requests still in flight
_STOPPED = "not checked: the run was stopped"


class _Overtime(Exception):
    """The whole request took longer than --timeout."""


class _Unreadable(Exception):
    """A body drift will not decode (an unknown or broken Content-Encoding)."""


class _Outcome(NamedTuple):
    """One attempt: its result, whether to retry, and why it could not connect (if so)."""

    fetched: Fetched
    retry: bool = False
    retry_after: float | None = None
    connect_failure: str | None = None


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


class _Decoder:
    """Undoes a Content-Encoding a step at a time, never producing more than the room
    left under the cap (plus one byte, to tell "full" from "too large"): a small gzip
    body can decode to gigabytes. One layer of gzip or deflate, as drift asks for."""

    def __init__(self, encoding: str) -> None:
        names = [n.strip().lower() for n in encoding.split(",")]
        names = [n for n in names if n and n != "identity"]
        self._raw_deflate_allowed = names == ["deflate"]
        if not names:
            self._zlib = None
        elif names in (["gzip"], ["x-gzip"]):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif names == ["deflate"]:
            self._zlib = zlib.decompressobj()
        else:
            shown = ", ".join(names)[:60]
            raise _Unreadable(
                f"the response uses Content-Encoding {shown!r}, which drift does not read"
            )
        self._started = False

    def decode(self, data: bytes, room: int) -> bytes:
        if self._zlib is None:
            return data[: room + 1]
        try:
            return self._inflate(data, room)
        except zlib.error:
            if self._started or not self._raw_deflate_allowed:
                raise _Unreadable("the response's compressed body is corrupt") from None
            # "deflate" is sometimes sent without its zlib header
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            self._raw_deflate_allowed = False
            return self.decode(data, room)

    def _inflate(self, data: bytes, room: int) -> bytes:
        assert self._zlib is not None
        out: list[bytes] = []
        size = 0
        pending = data
        while True:
            # max_length >= 1 here: 0 would mean "no limit"
            piece = self._zlib.decompress(pending, room + 1 - size)
            self._started = self._started or bool(piece)
            out.append(piece)
            size += len(piece)
            pending = self._zlib.unconsumed_tail
            if not pending or size > room:
                return b"".join(out)

    def flush(self) -> bytes:
        if self._zlib is None:
            return b""
        try:
            return self._zlib.flush()
        except zlib.error:
            raise _Unreadable("the response's compressed body is corrupt") from None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def connect_cause(exc: BaseException) -> str | None:
    """Why a connection could not be made, in a few words; None when it is not known."""
    for cause in _chain(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "TLS certificate not trusted"
        if isinstance(cause, ssl.SSLError):
            return "TLS handshake failed"
        if isinstance(cause, socket.gaierror):
            return "the host name does not resolve (DNS)"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, (TimeoutError, httpx.TimeoutException)):
            return "timed out"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "network unreachable"
    return None


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out waiting for the response"
    if isinstance(exc, httpx.ConnectError):
        cause = connect_cause(exc)
        return f"could not connect ({cause})" if cause else "could not connect"
    if isinstance(exc, httpx.ProxyError):
        return f"the proxy refused the request ({exc})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection failed"
    if isinstance(exc, httpx.NetworkError):
        return "the connection failed"
    return f"the request failed ({type(exc).__name__})"


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
        self.clock = settings.clock
        self.stats = RunStats()
        self.lock = threading.Lock()  # guards stats, the done count and the progress callback
        self.stop = threading.Event()  # a rejected key or Ctrl-C: take no new work
        # a retry's wait ends at once when the run stops
        self.sleep: Sleep = settings.sleep or self.stop.wait
        self.policy = RetryPolicy(retries=settings.retries, rng=random.Random(settings.seed))
        self.bucket = (
            TokenBucket(settings.max_rps, sleep=self.sleep, clock=self.clock)
            if settings.max_rps
            else None
        )
        self.deadline_at = (self.clock() + settings.deadline) if settings.deadline else None
        self.redact = Redactor([settings.api_key.reveal()])
        proxy = settings.proxy
        if proxy is not None:
            for part in (proxy.username, proxy.password):
                if part:
                    self.redact.add(part)
        self.where = urlsplit(settings.base_url).netloc + (
            f" (through the proxy in {proxy.source})" if proxy else ""
        )
        pools = max(1, math.ceil(settings.concurrency / POOL_SIZE))
        per_pool = math.ceil(settings.concurrency / pools)
        headers = {
            "X-API-Key": settings.api_key.reveal(),
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",  # what _Decoder reads
            "User-Agent": f"drift/{__version__}",
        }
        timeout = httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0))
        verify = tls_context(settings.base_url)  # one for every pool
        # TLS to the proxy itself only for an https:// proxy
        proxy_verify = tls_context(proxy.url) if proxy and proxy.url.startswith("https") else None
        self.clients = [
            httpx.Client(
                base_url=settings.base_url,
                headers=headers,
                timeout=timeout,
                # proxies come from settings.proxy only (hosts.proxy_for), never from httpx
                trust_env=False,
                transport=transport
                or Transport(
                    verify,
                    per_pool,
                    proxy=proxy.url if proxy else None,
                    proxy_auth=(proxy.username, proxy.password or "")
                    if proxy and proxy.username
                    else None,
                    proxy_verify=proxy_verify,
                ),
                follow_redirects=False,
            )
            for _ in range(pools)
        ]
        self.total = total
        self.done = 0
        self.on_done = on_done
        self.started = [False] * total
        # Fail fast: the first `probe` records to finish decide whether the API can be
        # reached at all (see `settle`).
        self.probe = max(1, min(total, settings.concurrency))
        self.reached = False  # some attempt got an answer, or at least a connection
        self.unreachable: list[str] = []  # causes, of records that never connected

    def count(self, requests: int = 0, retries: int = 0, throttled: int = 0) -> None:
        with self.lock:
            self.stats.requests += requests
            self.stats.retries += retries
            self.stats.throttled += throttled

    def error(self, message: str, status: int | None = None) -> Fetched:
        return Fetched("error", message=self.redact(message), http_status=status)

    def preview(self, body: bytes) -> str:
        """The start of an error body, as one line: secrets go before it is cut, so
        that none is shown in part."""
        text = hide_credentials(self.redact(body.decode("utf-8", "replace")))
        text = " ".join(text.split())
        return text[:_BODY_PREVIEW] + ("…" if len(text) > _BODY_PREVIEW else "")

    def remaining(self) -> float | None:
        return None if self.deadline_at is None else self.deadline_at - self.clock()

    def note_reached(self) -> None:
        if not self.reached:  # once is enough; the flag only ever goes to True
            with self.lock:
                self.reached = True

    def settle(self, cause: str | None) -> None:
        """Count a finished record towards the fail-fast probe: when each of the first
        `probe` records failed every attempt without a connection (`cause` says why),
        and no request of the run got one, the API cannot be reached: stop."""
        with self.lock:
            if self.reached or len(self.unreachable) >= self.probe:
                return
            if cause is None:
                self.reached = True
                return
            self.unreachable.append(cause)
            if len(self.unreachable) < self.probe:
                return
        common = max(set(self.unreachable), key=self.unreachable.count)
        noun = "integration" if self.probe == 1 else f"{self.probe} integrations"
        raise Unreachable(
            f"cannot connect to {self.where}: {common}; the first {noun} failed every attempt "
            "and no request got an answer, so the run stopped"
        )

    def _read(self, response: httpx.Response, cap: int, ends: float, body: bytearray) -> None:
        """Add the decoded body to `body`, up to `cap` bytes plus one (more is not read)."""
        if response.is_stream_consumed:  # built whole (httpx.MockTransport), decoded
            body += response.content[: cap + 1 - len(body)]
            return
        decoder = _Decoder(response.headers.get("Content-Encoding", ""))
        for chunk in response.iter_raw():
            body += decoder.decode(chunk, cap - len(body))
            if len(body) > cap:
                return
            if self.clock() >= ends:
                raise _Overtime
        body += decoder.flush()

    def _answer(self, response: httpx.Response, ends: float, tries: str) -> _Outcome:
        status = response.status_code
        if status in (401, 403):
            raise CredentialsError(
                f"the API key was rejected (HTTP {status}); check {self.s.api_key_env}"
            )
        if status == 404:
            return _Outcome(Fetched("not_found", http_status=404))
        if 200 <= status < 300:
            cap = self.s.max_response_bytes
            body = bytearray()
            try:
                self._read(response, cap, ends, body)
            except _Unreadable as exc:
                return _Outcome(self.error(str(exc), status))
            if len(body) > cap:
                return _Outcome(
                    self.error(
                        f"the response is larger than {cap} bytes (--max-response-bytes)", status
                    )
                )
            return _Outcome(self._decode(bytes(body), response))
        if status == 429:
            self.count(throttled=1)
        start = bytearray()
        # a preview is a courtesy: what arrived before any trouble is enough
        with contextlib.suppress(httpx.TransportError, _Overtime, _Unreadable):
            self._read(response, _PREVIEW_BYTES, ends, start)
        preview = self.preview(bytes(start[:_PREVIEW_BYTES]))
        failure = self.error(f"HTTP {status} {tries}" + (f": {preview}" if preview else ""), status)
        if not self.policy.should_retry_status(status):
            return _Outcome(failure)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return _Outcome(failure, retry=True, retry_after=retry_after)

    def _decode(self, body: bytes, response: httpx.Response) -> Fetched:
        status = response.status_code
        try:
            return Fetched("ok", body=json.loads(body), http_status=status)
        except RecursionError:
            return self.error("the response is JSON nested too deeply to read", status)
        except ValueError:
            # never the body itself: a 200 holds live values, secrets among them
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            kind = " ".join(kind.split())[:60] or "no content type"
            return self.error(f"the response is not JSON ({kind}, {len(body)} bytes)", status)

    def _attempt(
        self,
        target: Target,
        client: httpx.Client,
        tries: str,
        method: str = "GET",
        json_body: bytes | None = None,
    ) -> _Outcome:
        """One request (a GET, or `patch`'s PATCH with a JSON body), ended by --timeout
        (or the run's deadline, if that comes first)."""
        limit = self.s.timeout
        remaining = self.remaining()
        if remaining is not None:
            limit = max(min(limit, remaining), 0.001)
        ends = self.clock() + limit
        timeout = httpx.Timeout(limit, connect=min(limit, 10.0))
        try:
            with (
                deadline(ends, self.clock),
                client.stream(
                    method,
                    target.path,
                    timeout=timeout,
                    content=json_body,
                    headers=None if json_body is None else {"Content-Type": "application/json"},
                ) as response,
            ):
                self.note_reached()
                return self._answer(response, ends, tries)
        except (httpx.TransportError, _Overtime) as exc:
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                return _Outcome(self.error(_DEADLINE))
            if isinstance(exc, _CONNECT_ERRORS):
                cause = connect_cause(exc) or "could not connect"
                return _Outcome(self.error(f"{_describe(exc)} {tries}"), True, None, cause)
            self.note_reached()  # connected: whatever this is, the API is there
            if isinstance(exc, _Overtime) or (
                isinstance(exc, httpx.TimeoutException) and self.clock() >= ends
            ):
                what = f"timed out: no complete response within {limit:g} s"
            else:
                what = _describe(exc)
            retry = isinstance(exc, (*_RETRY_ERRORS, _Overtime))
            return _Outcome(self.error(f"{what} {tries}"), retry)

    def _get(self, target: Target, client: httpx.Client) -> tuple[Fetched, str | None]:
        """The record's result, and why it never connected (None: it did, or it stopped)."""
        attempts = self.policy.retries + 1
        failure: _Outcome | None = None  # the last attempt's, once there is one
        never_connected = True
        for attempt in range(attempts):
            if self.bucket:
                self.bucket.acquire()
            if self.stop.is_set():  # a wait above ends early when the run stops
                return (failure.fetched if failure else self.error(_STOPPED)), None
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                return self.error(_DEADLINE), None
            self.count(requests=1)
            tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
            outcome = self._attempt(target, client, tries)
            never_connected = never_connected and outcome.connect_failure is not None
            if not outcome.retry:
                return outcome.fetched, None
            failure = outcome
            if attempt + 1 >= attempts or self.stop.is_set():
                break
            delay = self.policy.backoff(attempt, outcome.retry_after)
            remaining = self.remaining()
            if remaining is not None and delay > remaining:
                break
            self.count(retries=1)
            self.sleep(delay)
        if failure is None:
            return self.error(_STOPPED), None
        return failure.fetched, (failure.connect_failure if never_connected else None)

    def one(self, index: int, target: Target, client: httpx.Client) -> tuple[Fetched, str | None]:
        self.started[index] = True
        return self._get(target, client)

    def tick(self) -> None:
        """One more record is done (and its result stored)."""
        with self.lock:
            self.done += 1
            if self.on_done and not self.stop.is_set():  # nothing shown after the run ends
                self.on_done(self.done, self.total)

    def close(self) -> None:
        for client in self.clients:
            client.close()


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

    Raises CredentialsError at the first 401/403 (a rejected key fails every record
    alike), and Unreachable when the first records could not connect at all; either
    carries in `.partial` the results and stats so far, records not started marked "not
    attempted". When the deadline passes, records not yet checked come back as errors.
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
                results[index], never_connected = run.one(index, targets[index], client)
                run.tick()
                run.settle(never_connected)
        except BaseException as exc:  # a rejected key, no connection, or a bug: the run stops
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
        while True:
            left = run.remaining()
            # re-checked after each wait: the clock may be a test's, not the wall's
            if (left is not None and left <= 0) or finished.wait(left):
                break
        if failures:
            raise _stopped(failures[0], list(results), run)
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


def _stopped(exc: BaseException, results: list[Fetched | None], run: _Run) -> BaseException:
    """The error that stopped the run, carrying what was fetched until then."""
    if isinstance(exc, FetchError):
        why = str(exc)
        exc.partial = (
            [
                r
                if r is not None
                else Fetched(
                    "error",
                    message=f"{'not checked' if run.started[i] else NOT_ATTEMPTED}: {why}",
                )
                for i, r in enumerate(results)
            ],
            run.stats,
        )
    return exc
