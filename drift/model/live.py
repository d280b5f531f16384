"""The live state: what the API was asked for and what it answered, in drift's own form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote


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
    body: Any = field(default=None, repr=False)  # live values, secrets among them
    message: str = ""
    http_status: int | None = None


@dataclass(frozen=True)
class LiveAuth:
    auth_id: str
    integration_id: str
    auth_type: str
    # (name as live spells it, value), in live order; duplicates kept so they can be reported
    headers: tuple[tuple[str, str], ...] = field(repr=False)  # values may be secret
    updated_at: str | None = None
