"""PATCH an auth record's headers: the one write drift makes.

It goes out through fetch's run (the same clients, TLS, proxy, timeouts, body caps, rate
limit and secret scrubbing as every read). What differs is when to try again. A read can
be repeated at will; a write cannot be repeated blindly, so a PATCH is sent again only
when it certainly did nothing:

- the connection could not be made (nothing was sent), or
- the API answered 429 or 503 (it says it did not act), with the same backoff and
  `Retry-After` rules as a GET.

Any other failure after the request may have left (a timeout, a dropped connection, a 5xx
other than 503) leaves the outcome unknown: the caller reads the record back to learn it.
A 4xx is a refusal: the API says it did not act.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from drift.errors import CredentialsError, Terminated
from drift.live.run import Run
from drift.live.settings import FetchSettings, Outcome
from drift.model.live import Target
from drift.model.results import NOT_ATTEMPTED, RunStats
from drift.secret import RUN

ACCEPTED = "accepted"  # a 2xx: the API made the change
REFUSED = "refused"  # certainly not applied: a 4xx, or never sent
UNKNOWN = "unknown"  # may or may not be applied: read the record back

# the API says it did not act: the same request may go again
_RESEND_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class PatchRequest:
    """The full header list for one auth record (`target` names the live auth id)."""

    target: Target
    headers: tuple[tuple[str, str], ...] = field(repr=False)  # values may be secret

    def body(self) -> bytes:
        """Only `headers`: never `authType` (fixed at creation) nor a credential."""
        listed = [{"key": name, "value": value} for name, value in self.headers]
        return json.dumps({"headers": listed}, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class PatchOutcome:
    kind: str  # ACCEPTED, REFUSED or UNKNOWN
    message: str = ""  # why, when not accepted (or when the answer could not be read)
    http_status: int | None = None
    body: Any = field(default=None, repr=False)  # the record the API answered with


@dataclass
class PatchRun:
    """The outcome of each request, in order. `stopped` says why the run stopped early (a
    rejected key), `interrupted` holds the Ctrl-C or SIGTERM that stopped it: the requests
    after either were not sent."""

    outcomes: list[PatchOutcome]
    stats: RunStats
    stopped: str | None = None
    interrupted: BaseException | None = None


def _verdict(outcome: Outcome) -> PatchOutcome | None:
    """What one attempt came to; None when it certainly did nothing and may go again."""
    fetched = outcome.fetched
    status = fetched.http_status
    if fetched.kind == "ok":
        return PatchOutcome(ACCEPTED, http_status=status, body=fetched.body)
    if fetched.kind == "not_found":
        return PatchOutcome(REFUSED, "the auth record does not exist (HTTP 404)", 404)
    if outcome.connect_failure is not None or status in _RESEND_STATUSES:
        return None
    if status is not None and 200 <= status < 300:
        # accepted, but the answer could not be read (too large, not JSON)
        return PatchOutcome(ACCEPTED, fetched.message, status)
    if status is not None and 400 <= status < 500:
        return PatchOutcome(REFUSED, fetched.message, status)
    return PatchOutcome(UNKNOWN, fetched.message, status)


def _patch_one(run: Run, client: httpx.Client, request: PatchRequest) -> PatchOutcome:
    body = request.body()
    attempts = run.policy.retries + 1
    last: Outcome | None = None
    for attempt in range(attempts):
        if run.bucket:
            run.bucket.acquire()
        remaining = run.remaining()
        if remaining is not None and remaining <= 0:
            break
        run.count(requests=1)
        tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
        outcome = run.attempt(request.target, client, tries, "PATCH", body)
        verdict = _verdict(outcome)
        if verdict is not None:
            return verdict
        last = outcome
        if attempt + 1 >= attempts:
            break
        delay = run.policy.backoff(attempt, outcome.retry_after)
        remaining = run.remaining()
        if remaining is not None and delay > remaining:
            break
        run.count(retries=1)
        run.sleep(delay)
    if last is None:
        return PatchOutcome(REFUSED, f"{NOT_ATTEMPTED}: deadline reached")
    return PatchOutcome(REFUSED, last.fetched.message, last.fetched.http_status)


def patch_all(
    requests: Sequence[PatchRequest],
    settings: FetchSettings,
    *,
    secrets: Iterable[str] = (),
    transport: httpx.BaseTransport | None = None,
) -> PatchRun:
    """Send each PATCH in turn (one at a time: a write run is small, and its order is
    what the report shows). `secrets` are the values being sent that must not show in
    any error message (an API may echo the body it refused).

    A rejected key (401/403) stops the run: that request and the rest are refused. So does
    Ctrl-C or SIGTERM, held in `interrupted`: the request in flight then has an unknown
    outcome, the rest were not sent."""
    run = Run(settings, transport, len(requests), None)
    for value in secrets:
        run.redact.add(value, shortest=RUN)
    client = run.clients[0]
    result = PatchRun([], run.stats)
    try:
        for request in requests:
            why = result.stopped or ("interrupted" if result.interrupted else None)
            if why is not None:
                result.outcomes.append(PatchOutcome(REFUSED, f"{NOT_ATTEMPTED}: {why}"))
                continue
            try:
                result.outcomes.append(_patch_one(run, client, request))
            except CredentialsError as exc:
                result.stopped = str(exc)
                message = f"{exc} (is it a key that may only read?)"
                result.outcomes.append(PatchOutcome(REFUSED, message))
            except (KeyboardInterrupt, Terminated) as exc:
                result.interrupted = exc
                result.outcomes.append(
                    PatchOutcome(UNKNOWN, "interrupted while the PATCH was being sent")
                )
    finally:
        run.close()
    return result
