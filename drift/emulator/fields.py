"""Typed fields of the emulator's data file: each read with the place it came from, so a
mistake is one clear line."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeGuard

from .records import EmulatorDataError


def mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise EmulatorDataError(f"{where}: expected a mapping")
    return value


def sequence(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise EmulatorDataError(f"{where}: expected a list")
    return value


def no_unknown(m: Mapping[str, object], allowed: set[str], where: str) -> None:
    unknown = sorted(set(m) - allowed)
    if unknown:
        raise EmulatorDataError(
            f"{where}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )


def ident(value: object, where: str) -> str:
    if not isinstance(value, str) or not value or any(c in value for c in "/?# \t"):
        raise EmulatorDataError(f"{where}: must be a non-empty id without '/', '?', '#', spaces")
    return value


def text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise EmulatorDataError(f"{where}: must be a string")
    return value


def extra(value: object, where: str, reserved: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    m = mapping(value, where)
    clash = sorted(set(m) & reserved)
    if clash:
        raise EmulatorDataError(f"{where}: {clash[0]!r} is a standard field, not an extra one")
    return dict(m)


def is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def seconds(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmulatorDataError(f"{where}: must be a number of seconds")
    if not math.isfinite(value) or value < 0:
        raise EmulatorDataError(f"{where}: must be >= 0")
    return float(value)


def flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise EmulatorDataError(f"{where}: must be true or false")
    return value
