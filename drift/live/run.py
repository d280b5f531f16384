"""One fetch run: its clients, limits, counters and stop signal, and the attempts of each
GET with their retries."""

from __future__ import annotations

import contextlib
import json
import random
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from drift.errors import CredentialsError, Unreachable
from drift.live.body import Decoder, error_preview
from drift.live.failures import connect_cause, describe
from drift.live.retry import RetryPolicy, Sleep, TokenBucket, parse_retry_after
from drift.live.settings import (
    CONNECT_ERRORS,
    DEADLINE_REACHED,
    PREVIEW_BYTES,
    RETRY_ERRORS,
    RUN_STOPPED,
    FetchSettings,
    Outcome,
    Overtime,
    Unreadable,
    pools_for,
)
from drift.live.transport import deadline
from drift.model.live import Fetched, Target
from drift.model.results import RunStats
from drift.secret import Redactor
from drift.tuning import skip_sniffio_lookups


class Run:
    """One fetch run: the clients, the shared limits and counters, and the stop signal."""

    def __init__(
        self,
        settings: FetchSettings,
        transport: httpx.BaseTransport | None,
        total: int,
        on_done: Callable[[int, int], None] | None,
    ) -> None:
        skip_sniffio_lookups()
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
        self.clients = pools_for(settings, transport)
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
        decoder = Decoder(response.headers.get("Content-Encoding", ""))
        for chunk in response.iter_raw():
            body += decoder.decode(chunk, cap - len(body))
            if len(body) > cap:
                return
            if self.clock() >= ends:
                raise Overtime
        body += decoder.flush()

    def _answer(self, response: httpx.Response, ends: float, tries: str) -> Outcome:
        status = response.status_code
        if status in (401, 403):
            raise CredentialsError(
                f"the API key was rejected (HTTP {status}); check {self.s.api_key_env}"
            )
        if status == 404:
            return Outcome(Fetched("not_found", http_status=404))
        if 200 <= status < 300:
            cap = self.s.max_response_bytes
            body = bytearray()
            try:
                self._read(response, cap, ends, body)
            except Unreadable as exc:
                return Outcome(self.error(str(exc), status))
            if len(body) > cap:
                return Outcome(
                    self.error(
                        f"the response is larger than {cap} bytes (--max-response-bytes)", status
                    )
                )
            return Outcome(self._decode(bytes(body), response))
        if status == 429:
            self.count(throttled=1)
        start = bytearray()
        # a preview is a courtesy: what arrived before any trouble is enough
        with contextlib.suppress(httpx.TransportError, Overtime, Unreadable):
            self._read(response, PREVIEW_BYTES, ends, start)
        preview = error_preview(bytes(start[:PREVIEW_BYTES]), self.redact)
        failure = self.error(f"HTTP {status} {tries}" + (f": {preview}" if preview else ""), status)
        if not self.policy.should_retry_status(status):
            return Outcome(failure)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Outcome(failure, retry=True, retry_after=retry_after)

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

    def attempt(
        self,
        target: Target,
        client: httpx.Client,
        tries: str,
        method: str = "GET",
        json_body: bytes | None = None,
    ) -> Outcome:
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
        except (httpx.TransportError, Overtime) as exc:
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                return Outcome(self.error(DEADLINE_REACHED))
            if isinstance(exc, CONNECT_ERRORS):
                cause = connect_cause(exc) or "could not connect"
                return Outcome(self.error(f"{describe(exc)} {tries}"), True, None, cause)
            self.note_reached()  # connected: whatever this is, the API is there
            if isinstance(exc, Overtime) or (
                isinstance(exc, httpx.TimeoutException) and self.clock() >= ends
            ):
                what = f"timed out: no complete response within {limit:g} s"
            else:
                what = describe(exc)
            retry = isinstance(exc, (*RETRY_ERRORS, Overtime))
            return Outcome(self.error(f"{what} {tries}"), retry)

    def _get(self, target: Target, client: httpx.Client) -> tuple[Fetched, str | None]:
        """The record's result, and why it never connected (None: it did, or it stopped)."""
        attempts = self.policy.retries + 1
        failure: Outcome | None = None  # the last attempt's, once there is one
        never_connected = True
        for attempt in range(attempts):
            if self.bucket:
                self.bucket.acquire()
            if self.stop.is_set():  # a wait above ends early when the run stops
                return (failure.fetched if failure else self.error(RUN_STOPPED)), None
            remaining = self.remaining()
            if remaining is not None and remaining <= 0:
                return self.error(DEADLINE_REACHED), None
            self.count(requests=1)
            tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
            outcome = self.attempt(target, client, tries)
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
            return self.error(RUN_STOPPED), None
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
