"""How `drift apply` reports each record: its status after the apply and its action,
and for a PATCH, what reading the record back says about it.

A PATCH's answer alone is not trusted: a record is *applied* only when it reads back as
sent; a PATCH whose answer was lost is judged by the read-back alone.
"""

from __future__ import annotations

from dataclasses import replace

from drift.live.normalize import ShapeError, embedded_auth, normalize_auth
from drift.live.patch import ACCEPTED, REFUSED, UNKNOWN, PatchOutcome, PatchRequest
from drift.model.desired import canonical_id
from drift.model.live import Fetched, LiveAuth
from drift.model.plan import PlannedRecord
from drift.model.results import NOT_ATTEMPTED, ErrorInfo, IntegrationResult, Status

APPLIED, STALE, CANNOT, FAILED = "applied", "stale", "cannot apply", "failed"
RUN_PLAN = "run drift plan again"


def read_live(record: PlannedRecord, fetched: Fetched) -> tuple[LiveAuth | None, str]:
    """The record as read now, or why it could not be."""
    if fetched.kind == "not_found":
        return None, "the record no longer exists (HTTP 404)"
    if fetched.kind != "ok":
        return None, fetched.message
    try:
        body = fetched.body if record.auth_id else embedded_auth(fetched.body)
        if body is None:
            return None, "the integration no longer has an auth record"
        return normalize_auth(body), ""
    except ShapeError as exc:
        return None, f"unexpected response shape: {exc}"


def _same(live: LiveAuth, request: PatchRequest) -> bool:
    """Whether the record holds what was sent (header names in any case)."""
    if live.auth_id != canonical_id(request.target.auth_id or ""):
        return False
    held = sorted((name.lower(), value) for name, value in live.headers)
    return held == sorted((name.lower(), value) for name, value in request.headers)


def _difference(live: LiveAuth, request: PatchRequest) -> str:
    held = {name.lower() for name, _ in live.headers}
    sent = {name.lower() for name, _ in request.headers}
    parts = [f"{n} sent, not read back" for n in sorted(sent - held)]
    parts += [f"{n} read back, not sent" for n in sorted(held - sent)]
    return "; ".join(parts) or "a header value differs"


class Results:
    """The apply outcome of each record, as IntegrationResults for the reporters."""

    def __init__(self) -> None:
        self.by_name: dict[str, IntegrationResult] = {}

    def put(
        self,
        record: PlannedRecord,
        status: Status,
        action: str | None,
        error: str | None = None,
        note: str | None = None,
    ) -> None:
        changes = record.changes
        if action == APPLIED and status is Status.IN_SYNC:
            # what was drift is now fixed: shown, and no longer counted
            changes = tuple(
                replace(c, disposition=APPLIED, note=note or APPLIED) if c.counts else c
                for c in changes
            )
        info = ErrorInfo(error) if error else None
        self.by_name[record.name] = IntegrationResult(
            record.desired(), status, changes, info, action=action
        )

    def failed(self, record: PlannedRecord, message: str) -> None:
        self.put(record, Status.ERROR, FAILED, message)


def after_patch(
    results: Results,
    record: PlannedRecord,
    request: PatchRequest,
    outcome: PatchOutcome,
    back: Fetched | None,
) -> None:
    """Judge one PATCH by its answer and the record read back (None: not read back)."""
    if outcome.kind == REFUSED:
        message = outcome.message
        if message.startswith(NOT_ATTEMPTED):
            results.failed(record, message)
        else:
            results.failed(record, f"not applied: {message}")
        return
    live, why = read_live(record, back) if back is not None else (None, "interrupted")
    if outcome.kind == ACCEPTED:
        answered = f"applied (HTTP {outcome.http_status})"
        if live is None:
            results.put(record, Status.ERROR, APPLIED, f"{answered}, not verified: {why}")
        elif _same(live, request):
            results.put(record, Status.IN_SYNC, APPLIED)
        else:
            results.put(
                record,
                Status.DRIFTED,
                APPLIED,
                f"{answered}, but the record read back differs from what was sent "
                f"({_difference(live, request)}); {RUN_PLAN}",
            )
        return
    assert outcome.kind == UNKNOWN
    lost = f"the PATCH's outcome was unknown ({outcome.message})"
    if live is None:
        results.failed(record, f"{lost}; the record could not be read back: {why}; {RUN_PLAN}")
    elif _same(live, request):
        results.put(
            record, Status.IN_SYNC, APPLIED, note=f"applied: {lost}, the record read back holds it"
        )
    elif record.live is not None and record.live.matches(live):
        results.failed(record, f"not applied: {lost}; the record read back is unchanged")
    else:
        results.failed(
            record, f"{lost}; the record read back matches neither the plan nor what was sent"
        )
