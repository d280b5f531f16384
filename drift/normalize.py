"""Turn either API dialect of an auth record into one canonical form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drift.desired import canonical_id


class ShapeError(ValueError):
    """The record does not have the documented shape."""


@dataclass(frozen=True)
class LiveAuth:
    auth_id: str | None
    integration_id: str | None
    auth_type: str
    # (name as live spells it, value), in live order; duplicates kept so they can be reported
    headers: tuple[tuple[str, str], ...] = field(repr=False)  # values may be secret
    updated_at: str | None = None


def canonical_timestamp(value: object) -> str | None:
    """`2023-11-07T05:31:56.000Z` and `2023-11-07T05:31:56Z` are the same instant; keep
    milliseconds only when they say something."""
    if not isinstance(value, str) or not value:
        return None
    head, dot, rest = value.partition(".")
    if not dot:
        return value
    digits = rest.rstrip("Z")
    zone = rest[len(digits) :]
    if digits.isdigit() and int(digits) == 0:
        return head + zone
    return value


def _headers(raw: Any) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list):
        items = []
        for entry in raw:
            if not isinstance(entry, dict) or "key" not in entry:
                raise ShapeError("a header entry is not a {key, value} object")
            items.append((entry["key"], entry.get("value")))
    else:
        raise ShapeError(f"'headers' is {type(raw).__name__}, not a list or a map")
    out = []
    for name, value in items:
        if not isinstance(name, str):
            raise ShapeError("a header name is not a string")
        if value is None:
            value = ""
        if not isinstance(value, (str, int, float, bool)):
            raise ShapeError(f"the value of header {name!r} is not a string")
        out.append((name, value if isinstance(value, str) else str(value)))
    return tuple(out)


def _id(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ShapeError(f"'{key}' is not a string")
    return canonical_id(value)


def normalize_auth(record: Any) -> LiveAuth:
    """Canonical form of a live auth record; raises ShapeError when it cannot be read."""
    if not isinstance(record, dict):
        raise ShapeError(f"expected a JSON object, got {type(record).__name__}")
    auth_type = record.get("authType")
    if not isinstance(auth_type, str) or not auth_type:
        raise ShapeError("'authType' is missing or not a string")
    return LiveAuth(
        auth_id=_id(record, "authId"),
        integration_id=_id(record, "integrationId"),
        auth_type=auth_type.upper(),
        headers=_headers(record.get("headers")),
        updated_at=canonical_timestamp(record.get("updatedAt")),
    )


def embedded_auth(integration: Any) -> Any | None:
    """The auth record embedded in an integration; None when it has none."""
    if not isinstance(integration, dict):
        raise ShapeError(f"expected a JSON object, got {type(integration).__name__}")
    auth = integration.get("authentication")
    if auth is None or auth == {}:
        return None
    return auth
