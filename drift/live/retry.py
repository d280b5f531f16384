"""Retry rules, Retry-After parsing and the shared client-side rate limiter."""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
RETRY_AFTER_CAP = 60.0

Sleep = Callable[[float], object]
Clock = Callable[[], float]


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return min(max(when.timestamp() - current, 0.0), RETRY_AFTER_CAP)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter: sleep uniform(0, min(cap, base * 2**n))."""

    retries: int = 3
    base: float = 0.5
    cap: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def should_retry_status(self, status: int) -> bool:
        return status in RETRY_STATUSES

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Delay before retry number `attempt` (0-based); Retry-After wins when given."""
        if retry_after is not None:
            return retry_after
        return self.rng.uniform(0.0, min(self.cap, self.base * (2**attempt)))


class TokenBucket:
    """Client-side rate limit shared by every worker thread: at most `rate` requests per
    second, with bursts up to `burst`."""

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self.tokens = self.capacity
        self.clock = clock
        self.sleep = sleep
        self.updated = clock()
        self.lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def acquire(self) -> None:
        # holding the lock while waiting makes workers queue in turn instead of all
        # waking at once when a token appears
        with self.lock:
            self._refill()
            if self.tokens < 1.0:
                self.sleep((1.0 - self.tokens) / self.rate)
                self._refill()
            self.tokens -= 1.0
