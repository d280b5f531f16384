"""The `faults:` of a record in the emulator's data file: how its answers misbehave."""

from __future__ import annotations

from .faults import PatchFaults
from .fields import flag, is_int, mapping, no_unknown, seconds
from .records import EmulatorDataError, Faults

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


def parse_faults(value: object, where: str) -> Faults | None:
    if value is None:
        return None
    m = mapping(value, where)
    no_unknown(m, _FAULT_KEYS, where)
    modes = [k for k in _FAILURES if m.get(k) not in (None, False)]
    if len(modes) > 1:
        raise EmulatorDataError(f"{where}: use only one of {', '.join(modes)}")
    faults = Faults(
        latency=seconds(m.get("latency", 0), f"{where}.latency"),
        not_json=flag(m.get("notJson", False), f"{where}.notJson"),
        truncated=flag(m.get("truncated", False), f"{where}.truncated"),
        drop=flag(m.get("drop", False), f"{where}.drop"),
        slow_body=seconds(m.get("slowBody", 0), f"{where}.slowBody"),
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
    m = mapping(value, where)
    no_unknown(m, _PATCH_FAULT_KEYS, where)
    modes = [k for k in _PATCH_FAILURES if m.get(k) not in (None, False)]
    if len(modes) > 1:
        raise EmulatorDataError(f"{where}: use only one of {', '.join(modes)}")
    faults = PatchFaults(
        status=_status(m.get("status"), f"{where}.status"),
        drop=flag(m.get("drop", False), f"{where}.drop"),
        discard=flag(m.get("discard", False), f"{where}.discard"),
        applied=flag(m.get("applied", False), f"{where}.applied"),
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
    if not is_int(value) or not 400 <= value <= 599:
        raise EmulatorDataError(f"{where}: must be an HTTP status from 400 to 599")
    return value


def _fail_times(
    value: object, where: str, modes: list[str], failures: tuple[str, ...]
) -> int | None:
    if value is None:
        return None
    if not is_int(value) or value < 0:
        raise EmulatorDataError(f"{where}: must be a whole number >= 0")
    if not modes:
        raise EmulatorDataError(f"{where}: needs one of {', '.join(failures)}")
    return value


def _retry_after(value: object, where: str, status: int | None) -> str | None:
    if value is None:
        return None
    if status is None:
        raise EmulatorDataError(f"{where}: needs a status")
    if is_int(value) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise EmulatorDataError(f"{where}: seconds >= 0 or an HTTP-date string")
