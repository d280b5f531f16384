"""One record's verdict: a fetch outcome and the desired state in, status and changes out."""

from __future__ import annotations

import datetime
from typing import Any

from drift.clock import live_timestamp
from drift.judge import ignore
from drift.judge.diff import diff
from drift.live.normalize import ShapeError, embedded_auth, normalize_auth
from drift.model.desired import DesiredIntegration, IgnoreRule, canonical_id
from drift.model.live import Fetched
from drift.model.results import ErrorInfo, IntegrationResult, Status


def _id_mismatch(
    item: DesiredIntegration, integration_id: str | None, auth_id: str | None
) -> str | None:
    """The record must be the one asked for; ids compare in either spelling."""
    if integration_id is not None and integration_id != canonical_id(item.integration_id):
        return (
            f"id mismatch: the auth record belongs to integration {integration_id}, "
            f"not {item.integration_id}"
        )
    if item.auth_id and auth_id is not None and auth_id != canonical_id(item.auth_id):
        return f"id mismatch: the API answered with auth record {auth_id}, not {item.auth_id}"
    return None


def judge(
    item: DesiredIntegration,
    fetched: Fetched,
    shared: ignore.SharedRules | None = None,
    today: datetime.date | None = None,
    used: set[IgnoreRule] | None = None,
) -> IntegrationResult:
    """Turn one fetch outcome into the integration's status and changes; the ignore
    rules that matched a finding are added to `used`."""
    if fetched.kind == "not_found":
        what = "auth record" if item.auth_id else "integration"
        return IntegrationResult(
            item,
            Status.NOT_FOUND,
            error=ErrorInfo(f"the {what} does not exist (HTTP 404)", fetched.http_status),
        )
    if fetched.kind == "error":
        return IntegrationResult(
            item, Status.ERROR, error=ErrorInfo(fetched.message, fetched.http_status)
        )
    try:
        record: Any = fetched.body
        if item.auth_id is None:
            record = embedded_auth(record)
            if record is None:
                return IntegrationResult(
                    item,
                    Status.NOT_FOUND,
                    error=ErrorInfo("the integration has no auth record", None),
                )
        live = normalize_auth(record)
    except ShapeError as exc:
        return IntegrationResult(
            item,
            Status.ERROR,
            error=ErrorInfo(f"unexpected response shape: {exc}", fetched.http_status),
        )
    updated_at = live_timestamp(live.updated_at)
    mismatch = _id_mismatch(item, live.integration_id, live.auth_id)
    if mismatch:
        return IntegrationResult(item, Status.ERROR, error=ErrorInfo(mismatch, fetched.http_status))
    rules = (shared or ignore.SharedRules()).rules_for(item.name, item.ignores)
    changes = ignore.apply(diff(item, live), rules, today or datetime.date.today(), used)
    drifted = any(change.counts for change in changes)
    status = Status.DRIFTED if drifted else Status.IN_SYNC
    return IntegrationResult(item, status, changes, updated_at=updated_at)
