"""Turn either API dialect of an auth record into one canonical form."""

from __future__ import annotations

from typing import Any

from drift.model.desired import canonical_id
from drift.model.live import LiveAuth


class ShapeError(ValueError):
    """The record does not have the documented shape."""


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
        items = [(name, value, f"headers.{name}") for name, value in raw.items()]
    elif isinstance(raw, list):
        items = []
        for index, entry in enumerate(raw):
            where = f"headers[{index}]"
            if not isinstance(entry, dict):
                raise ShapeError(f"'{where}' is not a {{key, value}} object")
            for key in ("key", "value"):
                if key not in entry:
                    raise ShapeError(f"'{where}' has no '{key}'")
            items.append((entry["key"], entry["value"], f"{where}.value"))
    else:
        raise ShapeError(f"'headers' is {_kind(raw)}, not a list or a map")
    out = []
    for name, value, where in items:
        if not isinstance(name, str):
            raise ShapeError(f"a header name is {_kind(name)}, not a string")
        # a null or a number is not a value a header can have: say so, never guess
        if not isinstance(value, str):
            raise ShapeError(f"'{where}' (header {name!r}) is {_kind(value)}, not a string")
        out.append((name, value))
    return tuple(out)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    return (
        "a list" if isinstance(value, list) else "a string" if isinstance(value, str) else "a value"
    )


def _id(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        raise ShapeError(f"'{key}' is missing")
    if not isinstance(value, str) or not value:
        raise ShapeError(f"'{key}' is {_kind(value) if value != '' else 'empty'}, not an id")
    return canonical_id(value)


def normalize_auth(record: Any) -> LiveAuth:
    """Canonical form of a live auth record; raises ShapeError when it cannot be read.
    Every record carries its own ids (both dialects, both endpoints): one without them
    cannot be tied to what the spec declares, so it is an error, never in sync."""
    if not isinstance(record, dict):
        raise ShapeError(f"expected a JSON object, got {_kind(record)}")
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
        raise ShapeError(f"expected a JSON object, got {_kind(integration)}")
    auth = integration.get("authentication")
    if auth is None or auth == {}:
        return None
    return auth
