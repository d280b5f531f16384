"""The desired state: what the spec declares, as plain data every later stage reads.

Kept apart from spec.py (which loads and validates YAML) so that the result model and
the reporters do not pull in PyYAML and jsonschema.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from drift.errors import Location
from drift.matchers import Matcher


def canonical_id(value: str) -> str:
    """SigmaMind spells ids with `_` or `-`; both name the same record."""
    return value.replace("-", "_")


def record_key(integration_id: str, auth_id: str | None) -> tuple[str, str | None]:
    """What makes two declarations the same record, whatever the id spelling."""
    return canonical_id(integration_id), canonical_id(auth_id) if auth_id else None


@dataclass(frozen=True)
class DesiredHeader:
    name: str  # as the spec spells it
    matcher: Matcher
    source: Location  # the line that set it: the integration's or the defaults'

    @property
    def secret(self) -> bool:
        return self.matcher.is_secret(self.name)


@dataclass(frozen=True)
class IgnoreRule:
    path: str
    reason: str
    until: datetime.date | None
    source: Location
    integration: str = "*"  # glob on local names (top-level rules only)


@dataclass(frozen=True)
class DesiredIntegration:
    """One integration as the spec declares it, with where each part was written."""

    name: str
    integration_id: str
    auth_id: str | None
    auth_type: str
    headers: tuple[DesiredHeader, ...] | None  # None: headers are not checked
    source: Location
    auth_type_source: Location
    tags: tuple[str, ...] = ()
    ignores: tuple[IgnoreRule, ...] = ()
    extra_headers: str = "fail"

    @property
    def key(self) -> tuple[str, str | None]:
        return record_key(self.integration_id, self.auth_id)

    @property
    def ids(self) -> str:
        """`intg_A / auth_B`, or `intg_A / embedded auth`, as reports show them."""
        return f"{self.integration_id} / {self.auth_id or 'embedded auth'}"

    def field_source(self, pointer: str) -> Location:
        """The line that declared the field a JSON Pointer names (or the entry itself)."""
        if pointer == "/authType":
            return self.auth_type_source
        if pointer.startswith("/headers/") and self.headers is not None:
            wanted = pointer.removeprefix("/headers/").replace("~1", "/").replace("~0", "~")
            for header in self.headers:
                if header.name.lower() == wanted.lower():
                    return header.source
        return self.source
