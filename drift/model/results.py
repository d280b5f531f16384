"""The project's own result model: what every stage after the diff speaks."""

from __future__ import annotations

import enum
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from drift.errors import ExitCode, Location, printable
from drift.model.desired import DesiredIntegration, IgnoreRule


class Status(str, enum.Enum):
    IN_SYNC = "in_sync"
    DRIFTED = "drifted"
    NOT_FOUND = "not_found"
    ERROR = "error"

    @property
    def label(self) -> str:
        """How reports for people say it: `not found`, `in sync`."""
        return self.value.replace("_", " ")


MARKS = {"changed": "~", "added": "+", "removed": "-", "renamed": ">"}


@dataclass(frozen=True)
class Seen:
    """What the live record held at a change's path, for ignore rules that accept one value:
    the SHA-256 of the value (None: nothing there) and, when it is not secret, the value."""

    digest: str | None
    plain: str | None = field(default=None, repr=False)


# the start of the error of a record a stopped run never got to; reports for people sum
# these up in one line instead of a block each
NOT_ATTEMPTED = "not attempted"


@dataclass(frozen=True)
class Change:
    """One difference: `kind` is changed, added (live only) or removed (spec only).

    `expected` and `actual` are already safe to print: secret values arrive redacted.
    `disposition` is "drift" (counts), "ignored" (an ignore rule accepts it), "warning"
    (an extra header under `extraHeaders: warn`) or "applied" (`drift apply` fixed it);
    only "drift" affects the exit code.
    """

    kind: str
    path: str
    expected: Any
    actual: Any
    source: Location | None = None
    note: str | None = None
    disposition: str = "drift"
    # compare only: the change can turn drift into a pass (a rule added, a matcher widened)
    loosening: bool = False
    seen: Seen | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # paths carry live header names
        object.__setattr__(self, "path", printable(self.path))

    @property
    def counts(self) -> bool:
        return self.disposition == "drift"

    def sort_key(self) -> tuple[str, str, str]:
        return self.path.lower(), self.kind, str(self.actual)


@dataclass(frozen=True)
class ErrorInfo:
    message: str
    http_status: int | None = None

    def __post_init__(self) -> None:
        # messages quote live ids, response bodies and exception texts
        object.__setattr__(self, "message", printable(self.message))


# what `drift apply` did to a record (IntegrationResult.action); None: nothing to do
ACTIONS = ("applied", "stale", "cannot apply", "failed")


@dataclass(frozen=True)
class IntegrationResult:
    desired: DesiredIntegration
    status: Status
    changes: tuple[Change, ...] = ()
    error: ErrorInfo | None = None
    _: KW_ONLY  # what came later is named where it is given
    updated_at: str | None = None  # the live record's updatedAt, when it was read
    action: str | None = None  # apply only: one of ACTIONS; `status` is the state after it

    @property
    def name(self) -> str:
        return self.desired.name

    @property
    def label(self) -> str:
        """How reports for people name the outcome: `drifted`, `applied (in sync)`."""
        return f"{self.action} ({self.status.label})" if self.action else self.status.label


@dataclass
class RunStats:
    requests: int = 0
    retries: int = 0
    throttled: int = 0


@dataclass
class Report:
    base_url: str
    results: list[IntegrationResult]
    stats: RunStats = field(default_factory=RunStats)
    declared: int | None = None  # integrations in the spec before selection
    stale_rules: list[IgnoreRule] = field(default_factory=list)
    shard: str | None = None  # "K/N" when the run was one shard of N
    spec_digest: str | None = None  # of the whole spec the run loaded (merge compares them)
    partial: bool = False  # a merge of an incomplete set of shards (--allow-partial)
    stopped: str | None = None  # why the run stopped early (a rejected key, no connection)
    generated_at: str | None = None  # UTC, `2026-01-02T03:04:05Z`: when the run started

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def exit_code(self) -> ExitCode:
        if self.stopped:
            return ExitCode.INCOMPLETE
        if self.count(Status.DRIFTED) or self.count(Status.NOT_FOUND):
            return ExitCode.DRIFT
        if self.count(Status.ERROR):
            return ExitCode.INCOMPLETE
        return ExitCode.OK

    def hints(self) -> list[str]:
        """One-line advice a reader of the report needs (the base URL looks wrong)."""
        # two or more: one 404 is likelier a wrong id than a wrong API
        answered_404 = [r for r in self.results if r.error and r.error.http_status == 404]
        if len(self.results) > 1 and len(answered_404) == len(self.results):
            return [
                f"every record was not found at {self.base_url}: is the base URL right "
                "(--base-url, SIGMAMIND_BASE_URL)?"
            ]
        return []

    def not_attempted(self) -> tuple[list[IntegrationResult], dict[str, int]]:
        """The results to show one by one, and how many were not attempted, by reason."""
        shown: list[IntegrationResult] = []
        skipped: dict[str, int] = {}
        for result in self.results:
            message = result.error.message if result.error is not None else ""
            if result.status is Status.ERROR and message.startswith(NOT_ATTEMPTED + ": "):
                reason = message[len(NOT_ATTEMPTED) + 2 :]
                skipped[reason] = skipped.get(reason, 0) + 1
            else:
                shown.append(result)
        return shown, skipped

    def actions(self) -> dict[str, int]:
        """How many records apply applied, found stale, could not apply, failed on;
        empty for a check (no result has an action)."""
        if not any(r.action for r in self.results):
            return {}
        return {action: sum(1 for r in self.results if r.action == action) for action in ACTIONS}

    def summary(self) -> dict[str, int]:
        return {
            "total": len(self.results),
            "inSync": self.count(Status.IN_SYNC),
            "drifted": self.count(Status.DRIFTED),
            "notFound": self.count(Status.NOT_FOUND),
            "errors": self.count(Status.ERROR),
        }
