"""Per-run fault injection: latency, random errors, 429 bursts, a rate limit, drops."""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RunFaults:
    """Faults applied to every authorized request of a run (all off by default)."""

    latency: float = 0.0  # seconds added to every response
    jitter: float = 0.0  # plus a uniform 0..jitter seconds
    error_rate: float = 0.0  # fraction answered 503
    rate_limit: int = 0  # requests per sliding second; more get 429 (0 = no limit)
    burst_every: int = 0  # every Nth request starts a burst of 429s (0 = no bursts)
    burst_length: int = 1
    burst_retry_after: int = 1
    drop_rate: float = 0.0  # fraction whose connection is closed without an answer
    truncate_rate: float = 0.0  # fraction of 200s whose JSON body is cut in half
    slow_body: float = 0.0  # seconds to trickle every body over

    def __post_init__(self) -> None:
        for name in ("latency", "jitter", "slow_body"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be >= 0 seconds")
        for name in ("error_rate", "drop_rate", "truncate_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be a fraction from 0 to 1")
        for name in ("rate_limit", "burst_every", "burst_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.burst_every and not 1 <= self.burst_length < self.burst_every:
            raise ValueError("burst_length must be at least 1 and less than burst_every")


@dataclass
class Decision:
    """What the run-level faults do to one request."""

    delay: float
    status: int | None = None
    retry_after: str | None = None
    drop: bool = False
    truncate: bool = False


class RunState:
    """Counters and the seeded random source behind RunFaults; not thread-safe by itself."""

    def __init__(self, faults: RunFaults, seed: int) -> None:
        self.faults = faults
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        self._rng = random.Random(self._seed)
        self._count = 0
        self._window: deque[float] = deque()

    def decide(self, now: float) -> Decision:
        """Draw this request's fate; the draws happen in a fixed order, so a seed replays."""
        f, rng = self.faults, self._rng
        self._count += 1
        delay = f.latency + (rng.uniform(0.0, f.jitter) if f.jitter else 0.0)
        if f.rate_limit:
            window = self._window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= f.rate_limit:
                return Decision(delay, 429, "1")
            window.append(now)
        n = self._count
        if f.burst_every and n >= f.burst_every and n % f.burst_every < f.burst_length:
            return Decision(delay, 429, str(f.burst_retry_after))
        if f.error_rate and rng.random() < f.error_rate:
            return Decision(delay, 503)
        drop = bool(f.drop_rate) and rng.random() < f.drop_rate
        truncate = bool(f.truncate_rate) and rng.random() < f.truncate_rate
        return Decision(delay, drop=drop, truncate=truncate)


@dataclass
class PatchFaults:
    """Per-record faults for PATCH only (the data file's `faults: {patch: ...}`): what a
    write can suffer that a read cannot, the change made or not before the failure.

    `hits` counts PATCHes so `fail_times` can stop failing; `patched` is set once a PATCH
    changed the record, which turns on `read_status_after`."""

    status: int | None = None  # answer PATCH with this status
    drop: bool = False  # close the connection without an answer
    discard: bool = False  # answer 200 as if applied, keep nothing
    applied: bool = False  # with status or drop: make the change first, then fail
    fail_times: int | None = None  # only the first N PATCHes fail
    retry_after: str | None = None
    read_status_after: int | None = None  # once changed, every GET answers this status
    hits: int = 0
    patched: bool = False

    @property
    def fails(self) -> bool:
        """Whether a failure mode is set (else only `read_status_after` is)."""
        return self.status is not None or self.drop or self.discard

    def trip(self) -> bool:
        """Count one PATCH; True while the failure modes still apply."""
        self.hits += 1
        return self.fail_times is None or self.hits <= self.fail_times

    def reset(self) -> None:
        self.hits = 0
        self.patched = False
