"""Render records as the two dialects the SigmaMind docs show.

modern: headers as a list of {key, value}, authType upper-case, ids and timestamps as stored.
legacy: headers as a map, authType lower-case, ids with `-` for `_`, timestamps with
milliseconds. A map cannot carry a header twice, so legacy keeps the first of duplicates;
only modern shows them all.
"""

from __future__ import annotations

from typing import Any

from .records import AuthRecord, Integration

DIALECTS = ("modern", "legacy")


def legacy_id(value: str) -> str:
    return value.replace("_", "-")


def legacy_time(value: str) -> str:
    # `2023-11-07T05:31:56Z` -> `2023-11-07T05:31:56.000Z`; anything else as stored
    if value.endswith("Z") and "." not in value:
        return value[:-1] + ".000Z"
    return value


def render_auth(rec: AuthRecord, legacy: bool) -> dict[str, Any]:
    body: dict[str, Any]
    if legacy:
        headers: dict[str, str] = {}
        for name, value in rec.headers:
            headers.setdefault(name, value)
        body = {
            "authId": legacy_id(rec.auth_id),
            "integrationId": legacy_id(rec.integration_id),
            "authType": rec.auth_type.lower(),
            "headers": headers,
            "createdAt": legacy_time(rec.created_at),
            "updatedAt": legacy_time(rec.updated_at),
        }
    else:
        body = {
            "authId": rec.auth_id,
            "integrationId": rec.integration_id,
            "authType": rec.auth_type,
            "headers": [{"key": name, "value": value} for name, value in rec.headers],
            "createdAt": rec.created_at,
            "updatedAt": rec.updated_at,
        }
    if rec.extra:
        body.update(rec.extra)
    return body


def render_integration(intg: Integration, auth: AuthRecord | None, legacy: bool) -> dict[str, Any]:
    stamp = legacy_time if legacy else str
    body: dict[str, Any] = {
        "integrationId": legacy_id(intg.integration_id) if legacy else intg.integration_id,
        "name": intg.name,
        "description": intg.description,
        "authentication": None if auth is None else render_auth(auth, legacy),
        "tools": intg.tools,
        "createdAt": stamp(intg.created_at),
        "updatedAt": stamp(intg.updated_at),
    }
    if intg.extra:
        body.update(intg.extra)
    return body
