"""What a fetch run is told (the API, the key, the limits), what an attempt comes to, and
the TLS context every pool of a run shares."""

from __future__ import annotations

import math
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import httpx

from drift import __version__
from drift.errors import UsageError
from drift.live.hosts import DEFAULT_BASE_URL, Proxy, check_api_key, check_base_url, proxy_for
from drift.live.retry import Clock, Sleep
from drift.live.transport import Transport
from drift.model.live import Fetched
from drift.secret import Secret

POOL_SIZE = 8
MAX_RESPONSE_BYTES = 1024 * 1024
BODY_PREVIEW = 120  # characters of an error body shown
PREVIEW_BYTES = 16 * 1024  # read of an error body for its preview; the rest is never read
RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)


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


DEADLINE_REACHED = "not checked: deadline reached"
GRACE = 1.0  # seconds a failed run waits for the requests still in flight
RUN_STOPPED = "not checked: the run was stopped"


class Overtime(Exception):
    """The whole request took longer than --timeout."""


class Unreadable(Exception):
    """A body drift will not decode (an unknown or broken Content-Encoding)."""


class Outcome(NamedTuple):
    """One attempt: its result, whether to retry, and why it could not connect (if so)."""

    fetched: Fetched
    retry: bool = False
    retry_after: float | None = None
    connect_failure: str | None = None


def tls_context(base_url: str) -> ssl.SSLContext:
    """The TLS context for all of a run's pools. Building one that trusts the CA bundle
    costs ~25 ms of CPU, so there is one per run; plain http (loopback only, redirects
    off) never does TLS and gets one that trusts no CA at all: it could not verify
    anything even if it were used (httpx's verify=True would load the bundle anyway)."""
    if httpx.URL(base_url).scheme == "https":  # lower-cased, whatever the spelling
        return httpx.create_ssl_context()
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


@dataclass(frozen=True)
class ApiOptions:
    """The API options of every command that talks to the API, as given."""

    base_url: str | None = None
    api_key_env: str = "SIGMAMIND_API_KEY"
    timeout: float = 10.0
    retries: int = 3
    concurrency: int = 10
    max_rps: float | None = None
    deadline: float | None = None
    max_response_bytes: int = MAX_RESPONSE_BYTES


def settings_from(options: ApiOptions, environ: Mapping[str, str]) -> FetchSettings:
    """FetchSettings from the API options and the environment (the key comes only from
    there). Raises before any request when the URL or the key is unusable."""
    # an empty value is a mistake (`--base-url "$UNSET"`), not a request for the default
    if options.base_url is not None and not options.base_url.strip():
        raise UsageError("--base-url is empty")
    if not options.api_key_env.strip():
        raise UsageError("--api-key-env is empty")
    url = check_base_url(options.base_url or environ.get("SIGMAMIND_BASE_URL") or DEFAULT_BASE_URL)
    proxy = proxy_for(url, environ)
    key = environ.get(options.api_key_env, "")
    check_api_key(key, options.api_key_env)
    return FetchSettings(
        base_url=url,
        api_key=Secret(key),
        api_key_env=options.api_key_env,
        timeout=options.timeout,
        retries=options.retries,
        concurrency=options.concurrency,
        max_rps=options.max_rps,
        deadline=options.deadline,
        max_response_bytes=options.max_response_bytes,
        proxy=proxy,
    )


def pools_for(settings: FetchSettings, transport: httpx.BaseTransport | None) -> list[httpx.Client]:
    """The run's connection pools: several small ones (one large pool costs CPU per
    request that grows with its size, bench/RESULTS.md), sharing one TLS context."""
    proxy = settings.proxy
    pools = max(1, math.ceil(settings.concurrency / POOL_SIZE))
    per_pool = math.ceil(settings.concurrency / pools)
    headers = {
        "X-API-Key": settings.api_key.reveal(),
        "Accept": "application/json",
        "Accept-Encoding": "gzip, deflate",  # what Decoder reads
        "User-Agent": f"drift/{__version__}",
    }
    timeout = httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0))
    verify = tls_context(settings.base_url)  # one for every pool
    # TLS to the proxy itself only for an https:// proxy
    proxy_verify = tls_context(proxy.url) if proxy and proxy.url.startswith("https") else None
    return [
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
