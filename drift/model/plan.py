"""The plan of `drift plan`, as plain data `drift apply` reads back: per record one action,
the full header list to send (never a secret value) and what the plan saw live."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from drift.errors import ExitCode, Location
from drift.model.desired import DesiredIntegration
from drift.model.live import LiveAuth
from drift.model.results import Change, RunStats, Status
from drift.secret import sha256_hex

NONE = "none"
UPDATE = "update"
CANNOT_APPLY = "cannot_apply"
ACTIONS = (NONE, UPDATE, CANNOT_APPLY)

ORIGINS = ("spec", "live", "env")

AUTH_TYPE_FIXED = "authType differs: fixed at creation, replace the auth record by hand"

Redact = Callable[[str], str]


def digest(value: str) -> str:
    return sha256_hex(value)


@dataclass(frozen=True)
class PlanHeader:
    """One header of the list to send: exactly one of `value`, `sha256` and `env`."""

    name: str
    origin: str  # spec | live | env
    value: str | None = None  # the value itself: never a secret one
    sha256: str | None = None  # a secret live value kept: taken from apply's own read
    env: str | None = None  # the variable holding the value, read at apply time


@dataclass(frozen=True)
class LiveState:
    """What the plan saw live: apply touches the record only if it still looks so."""

    auth_id: str
    auth_type: str
    updated_at: str | None
    fingerprint: str

    @classmethod
    def of(cls, live: LiveAuth) -> LiveState:
        return cls(live.auth_id, live.auth_type, live.updated_at, fingerprint(live))

    def matches(self, live: LiveAuth) -> bool:
        return self == LiveState.of(live)


def fingerprint(live: LiveAuth) -> str:
    """SHA-256 of a record's auth id, authType and headers (names, values, order), as
    normalized: the same record reads the same in either API dialect."""
    doc = {
        "authId": live.auth_id,
        "authType": live.auth_type,
        "headers": [[name, value] for name, value in live.headers],
    }
    return digest(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))


@dataclass(frozen=True)
class PlannedRecord:
    name: str
    integration_id: str
    auth_id: str | None  # as declared; None: the integration's embedded auth record
    auth_type: str  # as declared
    source: Location
    action: str
    status: Status  # what the check found
    changes: tuple[Change, ...] = ()  # as reports show them: secrets already redacted
    reason: str | None = None  # cannot_apply: why
    live: LiveState | None = None  # None when the record could not be read
    headers: tuple[PlanHeader, ...] = ()  # update: the whole list to send

    @property
    def ids(self) -> str:
        return f"{self.integration_id} / {self.auth_id or 'embedded auth'}"

    def desired(self) -> DesiredIntegration:
        """Enough of the declaration for reports (apply does not read the spec)."""
        return DesiredIntegration(
            name=self.name,
            integration_id=self.integration_id,
            auth_id=self.auth_id,
            auth_type=self.auth_type,
            headers=None,
            source=self.source,
            auth_type_source=self.source,
        )


@dataclass
class Plan:
    base_url: str
    created_at: str
    records: list[PlannedRecord]
    spec_digest: str | None = None
    declared: int | None = None  # integrations in the spec before selection
    shard: str | None = None
    exit_code: ExitCode = ExitCode.OK  # the check's: 0 nothing to do, 1 drift, 3 errors
    stats: RunStats | None = field(default=None, compare=False)  # plan time only
    hints: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.records if r.action == action)

    @property
    def updates(self) -> list[PlannedRecord]:
        return [r for r in self.records if r.action == UPDATE]
