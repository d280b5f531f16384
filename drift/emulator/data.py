"""Load and check the emulator's data file (YAML or JSON) and build records from it."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from .faults import PatchFaults
from .records import (
    AUTH_TYPES,
    AuthRecord,
    Dataset,
    EmulatorDataError,
    Faults,
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
_FAULT_KEYS = {
    "latency",
    "status",
    "failTimes",
    "retryAfter",
    "notJson",
    "truncated",
    "drop",
    "slowBody",
    "patch",
}
_PATCH_FAULT_KEYS = {
    "status",
    "drop",
    "discard",
    "applied",
    "failTimes",
    "retryAfter",
    "readStatusAfter",
}
# the failure modes failTimes limits; a record may use only one of them
_FAILURES = ("status", "drop", "notJson", "truncated")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as the text written, so `…:56Z` stays `…:56Z`."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


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
        raw: object = json.loads(text) if suffix == ".json" else yaml.load(text, _Loader)
    except json.JSONDecodeError as exc:
        raise EmulatorDataError(f"{where}:{exc.lineno}:{exc.colno}: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise EmulatorDataError(f"{where}{pos}: {problem}") from None
    try:
        parse_data(raw)
    except EmulatorDataError as exc:
        raise EmulatorDataError(f"{where}: {exc}") from None
    assert isinstance(raw, dict)  # parse_data accepted it, so it is a mapping
    return raw


def parse_data(raw: object) -> Dataset:
    """Check a data-file dict and build fresh mutable records from it."""
    top = _mapping(raw, "data")
    _no_unknown(top, _TOP_KEYS, "data")
    integrations: dict[str, Integration] = {}
    for i, item in enumerate(_list(top.get("integrations", []), "integrations")):
        intg = _integration(item, f"integrations[{i}]")
        if intg.integration_id in integrations:
            raise EmulatorDataError(
                f"integrations[{i}].integrationId: duplicate id {intg.integration_id!r}"
            )
        integrations[intg.integration_id] = intg
    auth: dict[str, AuthRecord] = {}
    for i, item in enumerate(_list(top.get("auth", []), "auth")):
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
            pair = _mapping(entry, f"{where}[{i}]")
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
    m = _mapping(item, where)
    _no_unknown(m, _INTEGRATION_KEYS, where)
    desc = m.get("description")
    if desc is not None and not isinstance(desc, str):
        raise EmulatorDataError(f"{where}.description: must be a string or null")
    auth = m.get("authentication")
    return Integration(
        integration_id=_id(m.get("integrationId"), f"{where}.integrationId"),
        name=_text(m.get("name", ""), f"{where}.name"),
        description=desc,
        created_at=_text(m.get("createdAt", DEFAULT_TIMESTAMP), f"{where}.createdAt"),
        updated_at=_text(m.get("updatedAt", DEFAULT_TIMESTAMP), f"{where}.updatedAt"),
        authentication=None if auth is None else _id(auth, f"{where}.authentication"),
        tools=list(_list(m.get("tools", []), f"{where}.tools")),
        extra=_extra(m.get("extra"), f"{where}.extra", _INTEGRATION_KEYS),
        faults=_faults(m.get("faults"), f"{where}.faults"),
    )


def _auth(item: object, where: str) -> AuthRecord:
    m = _mapping(item, where)
    _no_unknown(m, _AUTH_KEYS, where)
    integration_id = _id(m.get("integrationId"), f"{where}.integrationId")
    served = m.get("servedUnder")
    return AuthRecord(
        auth_id=_id(m.get("authId"), f"{where}.authId"),
        integration_id=integration_id,
        auth_type=parse_auth_type(m.get("authType"), f"{where}.authType"),
        headers=parse_headers(m.get("headers", {}), f"{where}.headers"),
        created_at=_text(m.get("createdAt", DEFAULT_TIMESTAMP), f"{where}.createdAt"),
        updated_at=_text(m.get("updatedAt", DEFAULT_TIMESTAMP), f"{where}.updatedAt"),
        served_under=integration_id if served is None else _id(served, f"{where}.servedUnder"),
        extra=_extra(m.get("extra"), f"{where}.extra", _AUTH_KEYS),
        faults=_faults(m.get("faults"), f"{where}.faults"),
    )


def _faults(value: object, where: str) -> Faults | None:
    if value is None:
        return None
    m = _mapping(value, where)
    _no_unknown(m, _FAULT_KEYS, where)
    modes = [k for k in _FAILURES if m.get(k) not in (None, False)]
    if len(modes) > 1:
        raise EmulatorDataError(f"{where}: use only one of {', '.join(modes)}")
    faults = Faults(
        latency=_seconds(m.get("latency", 0), f"{where}.latency"),
        not_json=_flag(m.get("notJson", False), f"{where}.notJson"),
        truncated=_flag(m.get("truncated", False), f"{where}.truncated"),
        drop=_flag(m.get("drop", False), f"{where}.drop"),
        slow_body=_seconds(m.get("slowBody", 0), f"{where}.slowBody"),
    )
    faults.status = _status(m.get("status"), f"{where}.status")
    faults.fail_times = _fail_times(m.get("failTimes"), f"{where}.failTimes", modes, _FAILURES)
    faults.retry_after = _retry_after(m.get("retryAfter"), f"{where}.retryAfter", faults.status)
    if m.get("patch") is not None:
        faults.patch = _patch_faults(m["patch"], f"{where}.patch")
    return faults


# the failure modes of a PATCH; `applied` and `readStatusAfter` qualify them
_PATCH_FAILURES = ("status", "drop", "discard")


def _patch_faults(value: object, where: str) -> PatchFaults:
    m = _mapping(value, where)
    _no_unknown(m, _PATCH_FAULT_KEYS, where)
    modes = [k for k in _PATCH_FAILURES if m.get(k) not in (None, False)]
    if len(modes) > 1:
        raise EmulatorDataError(f"{where}: use only one of {', '.join(modes)}")
    faults = PatchFaults(
        status=_status(m.get("status"), f"{where}.status"),
        drop=_flag(m.get("drop", False), f"{where}.drop"),
        discard=_flag(m.get("discard", False), f"{where}.discard"),
        applied=_flag(m.get("applied", False), f"{where}.applied"),
        fail_times=_fail_times(m.get("failTimes"), f"{where}.failTimes", modes, _PATCH_FAILURES),
        read_status_after=_status(m.get("readStatusAfter"), f"{where}.readStatusAfter"),
    )
    faults.retry_after = _retry_after(m.get("retryAfter"), f"{where}.retryAfter", faults.status)
    if faults.applied and not (faults.status is not None or faults.drop):
        raise EmulatorDataError(f"{where}.applied: needs status or drop")
    return faults


def _status(value: object, where: str) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or not 400 <= value <= 599:
        raise EmulatorDataError(f"{where}: must be an HTTP status from 400 to 599")
    return value


def _fail_times(
    value: object, where: str, modes: list[str], failures: tuple[str, ...]
) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or value < 0:
        raise EmulatorDataError(f"{where}: must be a whole number >= 0")
    if not modes:
        raise EmulatorDataError(f"{where}: needs one of {', '.join(failures)}")
    return value


def _retry_after(value: object, where: str, status: int | None) -> str | None:
    if value is None:
        return None
    if status is None:
        raise EmulatorDataError(f"{where}: needs a status")
    if _is_int(value) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise EmulatorDataError(f"{where}: seconds >= 0 or an HTTP-date string")


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise EmulatorDataError(f"{where}: expected a mapping")
    return value


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise EmulatorDataError(f"{where}: expected a list")
    return value


def _no_unknown(m: Mapping[str, object], allowed: set[str], where: str) -> None:
    unknown = sorted(set(m) - allowed)
    if unknown:
        raise EmulatorDataError(
            f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )


def _id(value: object, where: str) -> str:
    if not isinstance(value, str) or not value or any(c in value for c in "/?# \t"):
        raise EmulatorDataError(f"{where}: must be a non-empty id without '/', '?', '#', spaces")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise EmulatorDataError(f"{where}: must be a string")
    return value


def _extra(value: object, where: str, reserved: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    m = _mapping(value, where)
    clash = sorted(set(m) & reserved)
    if clash:
        raise EmulatorDataError(f"{where}: {clash[0]!r} is a standard field, not an extra one")
    return dict(m)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _seconds(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmulatorDataError(f"{where}: must be a number of seconds")
    if not math.isfinite(value) or value < 0:
        raise EmulatorDataError(f"{where}: must be >= 0")
    return float(value)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise EmulatorDataError(f"{where}: must be true or false")
    return value
