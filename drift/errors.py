"""One error root and the exit-code contract shared by every command."""

from __future__ import annotations

import contextlib
import enum
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


class ExitCode(enum.IntEnum):
    """The documented exit codes; the CLI is the only place that turns results into these."""

    OK = 0
    DRIFT = 1
    USAGE = 2
    INCOMPLETE = 3
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM, as a shell reports it: 128 + 15


@dataclass(frozen=True, order=True)
class Location:
    """A place in a spec file, 1-based like editors show it."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        # line 0 means "the file as a whole" (a missing path, an unreadable file)
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def short(self) -> str:
        """FILE:LINE, as text reports show it."""
        return self.file if self.line <= 0 else f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a spec, at the place it was written."""

    location: Location
    path: str
    message: str

    def __str__(self) -> str:
        prefix = f"{self.path}: " if self.path else ""
        return f"{self.location}: {prefix}{self.message}"


class DriftError(Exception):
    """Root of every error drift reports as one clear line."""

    exit_code: ExitCode = ExitCode.INCOMPLETE


class UsageError(DriftError):
    """The command line or environment asked for something impossible."""

    exit_code = ExitCode.USAGE


class SpecError(DriftError):
    """The spec is invalid; carries every problem found, not just the first."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"the spec has {len(self.problems)} {noun}")


class FetchError(DriftError):
    """The API could not be reached or answered in a way that stops the whole run."""

    exit_code = ExitCode.INCOMPLETE
    # set when the run stopped midway: (results, stats) so far, so that reports can
    # still be written (see fetch.fetch_many)
    partial: Any = None


class CredentialsError(FetchError):
    """The API key is missing or was rejected."""


class Unreachable(FetchError):
    """No connection to the API could be made at all: the run stops early."""


class Terminated(BaseException):
    """SIGTERM, raised in the main thread: like Ctrl-C, everything unwinds (temporary
    files are removed) and drift exits 143. Not an Exception, so nothing swallows it."""


class _Hold:
    depth = 0
    pending: BaseException | None = None


def on_signal(signum: int, frame: object) -> None:
    """The handler for Ctrl-C and SIGTERM that drift installs: raise KeyboardInterrupt or
    Terminated in the main thread, unless a `signals_held` block is running, which then
    raises it as it ends."""
    exc: BaseException = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    if _Hold.depth:
        _Hold.pending = _Hold.pending or exc
        return
    raise exc


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back until the block ends: between creating a temporary
    file and recording it for clean-up there must be no raise. (Python runs signal
    handlers in the main thread whichever thread the signal reached, so blocking it for
    one thread would not do.)"""
    _Hold.depth += 1
    try:
        yield
    finally:
        _Hold.depth -= 1
        if _Hold.depth == 0 and _Hold.pending is not None:
            exc, _Hold.pending = _Hold.pending, None
            raise exc


class OutputError(DriftError):
    """A report or generated file could not be written: the results did not all arrive."""


def printable(text: str) -> str:
    """`text` with every character that is not printable (line breaks, terminal escapes,
    bidi controls) written as its escape, like `\\n` or `\\x1b`: live data ends up in
    line-oriented reports and on terminals, where it must not forge a line or a colour."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
