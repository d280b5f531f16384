"""Fetch live auth records from the SigmaMind API: bounded concurrency, retries, limits.

httpx is used here and nowhere else. Concurrency is asyncio workers over several small
connection pools: one large httpx pool spends CPU per request that grows with its size
(bench/RESULTS.md has the measurement).
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

# httpcore runs `import sniffio` on every lock it sets up, to learn which async library is
# running. Without sniffio installed each attempt searches sys.path again: a sixth of the
# client's CPU at 64 connections (bench/RESULTS.md). Recording the absence once makes the
# import fail at once; httpcore then assumes asyncio, which is what drift runs.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

from drift import __version__
from drift.errors import CredentialsError, UsageError
from drift.hosts import is_loopback
from drift.model import RunStats
from drift.retry import RetryPolicy, Sleep, TokenBucket, parse_retry_after
from drift.secret import Secret

DEFAULT_BASE_URL = "https://api.sigmamind.ai"
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
    body: Any = None
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
    sleep: Sleep = field(default=asyncio.sleep)


def check_base_url(url: str) -> str:
    """Refuse anything but https, or plain http to a loopback host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"invalid base URL {url!r}: expected https://HOST[:PORT]")
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(
            f"refusing plain http:// to {host}: use https:// "
            "(http is allowed only for loopback hosts)"
        )
    return url.rstrip("/")


class _Run:
    def __init__(
        self,
        settings: FetchSettings,
        transport: httpx.AsyncBaseTransport | None,
        total: int,
        on_done: Callable[[int, int], None] | None,
    ) -> None:
        self.s = settings
        self.stats = RunStats()
        self.policy = RetryPolicy(retries=settings.retries, rng=random.Random(settings.seed))
        self.bucket = (
            TokenBucket(settings.max_rps, sleep=settings.sleep) if settings.max_rps else None
        )
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
        # one TLS context for every pool: building one loads the CA bundle (~25 ms CPU each)
        verify = httpx.create_ssl_context()
        self.clients = [
            httpx.AsyncClient(
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
        self.fatal: CredentialsError | None = None

    def _error(self, message: str, status: int | None = None) -> Fetched:
        return Fetched("error", message=self.s.api_key.scrub(message), http_status=status)

    def _preview(self, response: httpx.Response) -> str:
        text = response.text.strip().replace("\n", " ")
        return text[:_BODY_PREVIEW] + ("…" if len(text) > _BODY_PREVIEW else "")

    async def _get(self, client: httpx.AsyncClient, target: Target) -> Fetched:
        attempts = self.s.retries + 1
        for attempt in range(attempts):
            if self.bucket:
                await self.bucket.acquire()
            self.stats.requests += 1
            retry_after: float | None = None
            try:
                response = await client.get(target.path)
            except _RETRY_ERRORS as exc:
                failure = self._error(
                    f"{_describe(exc)} after {attempt + 1} attempt{'s' if attempt else ''}"
                )
            else:
                status = response.status_code
                if status in (401, 403):
                    self.fatal = CredentialsError(
                        f"the API key was rejected (HTTP {status}); check {self.s.api_key_env}"
                    )
                    raise self.fatal
                if status == 404:
                    return Fetched("not_found", http_status=404)
                if 200 <= status < 300:
                    return _decode(response, self)
                if status == 429:
                    self.stats.throttled += 1
                preview = self._preview(response)
                failure = self._error(
                    f"HTTP {status} after {attempt + 1} attempt{'s' if attempt else ''}"
                    + (f": {preview}" if preview else ""),
                    status,
                )
                if not self.policy.should_retry_status(status):
                    return failure
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if attempt + 1 >= attempts:
                return failure
            delay = self.policy.backoff(attempt, retry_after)
            if self.deadline_at is not None and time.monotonic() + delay > self.deadline_at:
                return failure
            self.stats.retries += 1
            await self.s.sleep(delay)
        raise AssertionError("unreachable")

    async def one(self, client: httpx.AsyncClient, target: Target) -> Fetched:
        if self.deadline_at is None:
            return await self._get(client, target)
        remaining = self.deadline_at - time.monotonic()
        if remaining <= 0:
            return self._error("not checked: deadline reached")
        try:
            return await asyncio.wait_for(self._get(client, target), remaining)
        except asyncio.TimeoutError:
            return self._error("not checked: deadline reached")

    async def worker(
        self, index: int, queue: list[tuple[int, Target]], results: list[Fetched | None]
    ) -> None:
        client = self.clients[index % len(self.clients)]
        while queue and self.fatal is None:
            position, target = queue.pop()
            results[position] = await self.one(client, target)
            self.done += 1
            if self.on_done:
                self.on_done(self.done, self.total)


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
    except ValueError:
        kind = response.headers.get("Content-Type", "no content type").split(";")[0]
        return run._error(
            f"the response is not JSON ({kind}): {run._preview(response)!r}", response.status_code
        )


async def fetch_all(
    targets: Sequence[Target],
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_done: Callable[[int, int], None] | None = None,
) -> tuple[list[Fetched], RunStats]:
    """Fetch every target; results come back in the order of `targets`.

    Raises CredentialsError at the first 401/403: a rejected key fails every record alike.
    """
    run = _Run(settings, transport, len(targets), on_done)
    results: list[Fetched | None] = [None] * len(targets)
    queue = list(reversed(list(enumerate(targets))))
    workers = min(settings.concurrency, len(targets)) or 1
    try:
        tasks = [asyncio.ensure_future(run.worker(i, queue, results)) for i in range(workers)]
        try:
            await asyncio.gather(*tasks)
        except CredentialsError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
    finally:
        await asyncio.gather(*(client.aclose() for client in run.clients))
    unchecked = run._error("not checked: deadline reached")
    return [r if r is not None else unchecked for r in results], run.stats


def fetch_many(
    targets: Sequence[Target],
    settings: FetchSettings,
    **kwargs: Any,
) -> tuple[list[Fetched], RunStats]:
    return asyncio.run(fetch_all(targets, settings, **kwargs))
