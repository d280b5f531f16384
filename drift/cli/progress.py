"""A one-line progress counter on stderr, only for people watching a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_RECORDS = 6
_INTERVAL = 0.1


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        # `total` is the most there can be; update() gets the real count of the run
        self.stream = stream or sys.stderr
        self.active = enabled and total >= MIN_RECORDS and self.stream.isatty()
        self.last = 0.0
        self.shown = False

    def update(self, done: int, total: int) -> None:
        if not self.active or total < MIN_RECORDS:
            return
        now = time.monotonic()
        if done < total and now - self.last < _INTERVAL:
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\rchecking: {done}/{total}")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
