"""The emulator's in-memory records: what the data file declares, mutable by PATCH/POST."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .faults import PatchFaults

AUTH_TYPES = ("NO_AUTH", "BASIC_AUTH", "BEARER_TOKEN", "API_KEY")

Header = tuple[str, str]


class EmulatorDataError(ValueError):
    """A data file (or dict) the emulator cannot serve; the message names the problem."""


@dataclass
class Faults:
    """Per-record fault injection; `hits` counts requests so `failTimes` can stop failing."""

    latency: float = 0.0
    status: int | None = None
    fail_times: int | None = None
    retry_after: str | None = None
    not_json: bool = False
    truncated: bool = False
    drop: bool = False
    slow_body: float = 0.0
    patch: PatchFaults | None = None  # faults of PATCH requests only
    hits: int = 0

    def trip(self) -> bool:
        """Count one request; True while the failure modes still apply."""
        self.hits += 1
        return self.fail_times is None or self.hits <= self.fail_times


@dataclass
class AuthRecord:
    auth_id: str
    integration_id: str
    auth_type: str
    headers: list[Header]
    created_at: str
    updated_at: str
    served_under: str  # the integration whose path serves it (usually integration_id)
    extra: dict[str, Any] = field(default_factory=dict)
    faults: Faults | None = None
    secrets: dict[str, Any] = field(default_factory=dict, repr=False)  # write-only, never shown


@dataclass
class Integration:
    integration_id: str
    name: str
    description: str | None
    created_at: str
    updated_at: str
    authentication: str | None  # authId of the embedded record
    tools: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    faults: Faults | None = None


@dataclass
class Dataset:
    integrations: dict[str, Integration]
    auth: dict[str, AuthRecord]
