"""`drift check` as a plain function: desired state in, Report out. No printing here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from drift.diff import diff
from drift.fetch import Fetched, FetchSettings, Target, fetch_many
from drift.model import ErrorInfo, IntegrationResult, Report, Status
from drift.normalize import ShapeError, embedded_auth, normalize_auth
from drift.spec import DesiredIntegration, canonical_id


def target_of(item: DesiredIntegration) -> Target:
    return Target(item.integration_id, item.auth_id)


def judge(item: DesiredIntegration, fetched: Fetched) -> IntegrationResult:
    """Turn one fetch outcome into the integration's status and changes."""
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
    declared = canonical_id(item.integration_id)
    if live.integration_id is not None and live.integration_id != declared:
        return IntegrationResult(
            item,
            Status.ERROR,
            error=ErrorInfo(
                f"id mismatch: the auth record belongs to integration {live.integration_id}, "
                f"not {item.integration_id}",
                fetched.http_status,
            ),
        )
    changes = diff(item, live)
    return IntegrationResult(item, Status.DRIFTED if changes else Status.IN_SYNC, changes)


def run_check(
    integrations: list[DesiredIntegration],
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_done: Callable[[int, int], None] | None = None,
    declared: int | None = None,
) -> Report:
    fetched, stats = fetch_many(
        [target_of(i) for i in integrations], settings, transport=transport, on_done=on_done
    )
    results = sorted(
        (judge(i, f) for i, f in zip(integrations, fetched, strict=True)), key=lambda r: r.name
    )
    return Report(
        settings.base_url,
        results,
        stats,
        declared=len(integrations) if declared is None else declared,
    )
