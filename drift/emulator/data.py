"""Load and check the emulator's data file (YAML or JSON) and build records from it."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from drift.spec.yamlload import YamlError, parse

from .faultdata import parse_faults
from .fields import extra, ident, mapping, no_unknown, sequence, text
from .records import (
    AUTH_TYPES,
    AuthRecord,
    Dataset,
    EmulatorDataError,
    Header,
    Integration,
)

DEMO_DATA_PATH = Path(__file__).parent / "demo.yaml"
DEFAULT_TIMESTAMP = "2024-01-01T00:00:00Z"

_TOP_KEYS = {"integrations", "auth"}
_INTEGRATION_KEYS = {
    "integrationId",
    "name",
    "description",
    "createdAt",
    "updatedAt",
    "authentication",
    "tools",
    "faults",
    "extra",
}
_AUTH_KEYS = {
    "authId",
    "integrationId",
    "authType",
    "headers",
    "createdAt",
    "updatedAt",
    "servedUnder",
    "faults",
    "extra",
}


def load_data(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a YAML (.yaml/.yml) or JSON (.json) data file and check it; returns the raw dict."""
    where = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise EmulatorDataError(f"{where}: unknown data file type {suffix!r} (use .yaml or .json)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise EmulatorDataError(f"{where}: cannot read data file: {reason}") from None
    try:
        # the spec's own YAML reader (YAML 1.2, timestamps stay text, duplicate keys refused)
        if suffix == ".json":
            raw: object = json.loads(text)
        else:
            doc = parse(text, where)
            if doc.duplicates:
                _, line, column, message = doc.duplicates[0]
                raise EmulatorDataError(f"{where}:{line}:{column}: {message}")
            raw = doc.data
    except json.JSONDecodeError as exc:
        raise EmulatorDataError(f"{where}:{exc.lineno}:{exc.colno}: {exc.msg}") from None
    except YamlError as exc:
        raise EmulatorDataError(f"{where}:{exc.line}:{exc.column}: {exc.message}") from None
    try:
        parse_data(raw)
    except EmulatorDataError as exc:
        raise EmulatorDataError(f"{where}: {exc}") from None
    assert isinstance(raw, dict)  # parse_data accepted it, so it is a mapping
    return raw


def parse_data(raw: object) -> Dataset:
    """Check a data-file dict and build fresh mutable records from it."""
    top = mapping(raw, "data")
    no_unknown(top, _TOP_KEYS, "data")
    integrations: dict[str, Integration] = {}
    for i, item in enumerate(sequence(top.get("integrations", []), "integrations")):
        intg = _integration(item, f"integrations[{i}]")
        if intg.integration_id in integrations:
            raise EmulatorDataError(
                f"integrations[{i}].integrationId: duplicate id {intg.integration_id!r}"
            )
        integrations[intg.integration_id] = intg
    auth: dict[str, AuthRecord] = {}
    for i, item in enumerate(sequence(top.get("auth", []), "auth")):
        rec = _auth(item, f"auth[{i}]")
        if rec.auth_id in auth:
            raise EmulatorDataError(f"auth[{i}].authId: duplicate id {rec.auth_id!r}")
        if rec.served_under not in integrations:
            raise EmulatorDataError(
                f"auth[{i}]: integration {rec.served_under!r} is not declared "
                "(add it under integrations, or set servedUnder)"
            )
        auth[rec.auth_id] = rec
    for i, intg in enumerate(integrations.values()):
        if intg.authentication is not None and intg.authentication not in auth:
            raise EmulatorDataError(
                f"integrations[{i}].authentication: no auth record {intg.authentication!r}"
            )
    return Dataset(integrations, auth)


def parse_headers(value: object, where: str = "headers") -> list[Header]:
    """Headers as a map {name: value} or a list of {key, value} (duplicates kept)."""
    items: list[tuple[object, object, str]]
    if isinstance(value, Mapping):
        items = [(k, v, f"{where}.{k}") for k, v in value.items()]
    elif isinstance(value, list):
        items = []
        for i, entry in enumerate(value):
            pair = mapping(entry, f"{where}[{i}]")
            if set(pair) != {"key", "value"}:
                raise EmulatorDataError(f"{where}[{i}]: expected exactly 'key' and 'value'")
            items.append((pair["key"], pair["value"], f"{where}[{i}]"))
    else:
        raise EmulatorDataError(f"{where}: expected a map or a list of {{key, value}}")
    headers: list[Header] = []
    for name, val, at in items:
        if not isinstance(name, str) or not name.strip():
            raise EmulatorDataError(f"{at}: header name must be a non-empty string")
        if not isinstance(val, str):
            raise EmulatorDataError(f"{at}: header value must be a string (quote it in YAML)")
        headers.append((name, val))
    return headers


def parse_auth_type(value: object, where: str = "authType") -> str:
    """One of AUTH_TYPES, in either case; returned upper-case."""
    if isinstance(value, str) and value.upper() in AUTH_TYPES:
        return value.upper()
    raise EmulatorDataError(f"{where}: {value!r} is not one of {', '.join(AUTH_TYPES)}")


def _integration(item: object, where: str) -> Integration:
    m = mapping(item, where)
    no_unknown(m, _INTEGRATION_KEYS, where)
    desc = m.get("description")
    if desc is not None and not isinstance(desc, str):
        raise EmulatorDataError(f"{where}.description: must be a string or null")
    auth = m.get("authentication")
    return Integration(
        integration_id=ident(m.get("integrationId"), f"{where}.integrationId"),
        name=text(m.get("name", ""), f"{where}.name"),
        description=desc,
        created_at=text(m.get("createdAt", DEFAULT_TIMESTAMP), f"{where}.createdAt"),
        updated_at=text(m.get("updatedAt", DEFAULT_TIMESTAMP), f"{where}.updatedAt"),
        authentication=None if auth is None else ident(auth, f"{where}.authentication"),
        tools=list(sequence(m.get("tools", []), f"{where}.tools")),
        extra=extra(m.get("extra"), f"{where}.extra", _INTEGRATION_KEYS),
        faults=parse_faults(m.get("faults"), f"{where}.faults"),
    )


def _auth(item: object, where: str) -> AuthRecord:
    m = mapping(item, where)
    no_unknown(m, _AUTH_KEYS, where)
    integration_id = ident(m.get("integrationId"), f"{where}.integrationId")
    served = m.get("servedUnder")
    return AuthRecord(
        auth_id=ident(m.get("authId"), f"{where}.authId"),
        integration_id=integration_id,
        auth_type=parse_auth_type(m.get("authType"), f"{where}.authType"),
        headers=parse_headers(m.get("headers", {}), f"{where}.headers"),
        created_at=text(m.get("createdAt", DEFAULT_TIMESTAMP), f"{where}.createdAt"),
        updated_at=text(m.get("updatedAt", DEFAULT_TIMESTAMP), f"{where}.updatedAt"),
        served_under=integration_id if served is None else ident(served, f"{where}.servedUnder"),
        extra=extra(m.get("extra"), f"{where}.extra", _AUTH_KEYS),
        faults=parse_faults(m.get("faults"), f"{where}.faults"),
    )
