"""`drift plan` as plain data: from a check run to what `drift apply` will do.

Each record checked gets one action:

- `none`: nothing to do (in sync; ignored findings and warnings stay as they are);
- `update`: one PATCH with the full header list (the API replaces the whole list) that
  makes the record match the spec;
- `cannot_apply`: why not (authType differs, no value known for a matcher, a secret
  written in the spec, not found, an error).

A plan never holds a secret value. Each header to send is one of: a value that is not
secret (from the spec, or an undeclared live header kept); an `env` matcher's variable
name, read at apply time; or a secret live value kept, by its SHA-256, which apply takes
from its own fresh read of the record and checks against that digest. With each record
the plan keeps what it saw live (`updatedAt` and a SHA-256 fingerprint of the record), so
that apply can tell a record that changed since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from drift.live.normalize import ShapeError, embedded_auth, normalize_auth
from drift.model.desired import DesiredHeader, DesiredIntegration
from drift.model.live import Fetched, LiveAuth
from drift.model.matchers import looks_sensitive
from drift.model.plan import (
    AUTH_TYPE_FIXED,
    CANNOT_APPLY,
    NONE,
    UPDATE,
    LiveState,
    Plan,
    PlanHeader,
    PlannedRecord,
    Redact,
    digest,
)
from drift.model.results import Change, IntegrationResult, Report, Status


def _live(item: DesiredIntegration, fetched: Fetched) -> LiveAuth | None:
    try:
        record = fetched.body if item.auth_id else embedded_auth(fetched.body)
        return normalize_auth(record) if record is not None else None
    except ShapeError:
        return None


def _accepted(changes: Sequence[Change]) -> set[str]:
    """Header names (lower case) whose findings an ignore rule accepts and none counts:
    their live state is kept as it is."""
    by_name: dict[str, list[Change]] = {}
    for change in changes:
        if change.path.startswith("/headers/"):
            name = change.path.removeprefix("/headers/").replace("~1", "/").replace("~0", "~")
            by_name.setdefault(name.lower(), []).append(change)
    return {
        name
        for name, found in by_name.items()
        if not any(c.counts for c in found) and any(c.disposition == "ignored" for c in found)
    }


class _Headers:
    """Builds the header list to send, collecting why it cannot be built."""

    def __init__(self, redact: Redact) -> None:
        self.redact = redact
        self.out: list[PlanHeader] = []
        self.problems: list[str] = []

    def keep(self, name: str, value: str, secret: bool) -> None:
        """A live value kept: by digest when it is secret or holds a secret of the run."""
        if self.redact(name) != name:
            self.problems.append("a live header name holds a secret value; fix it by hand")
        elif secret or self.redact(value) != value:
            self.out.append(PlanHeader(name, "live", sha256=digest(value)))
        else:
            self.out.append(PlanHeader(name, "live", value=value))

    def declared(self, header: DesiredHeader, live_value: str | None) -> None:
        matcher = header.matcher
        if matcher.kind == "absent":
            return
        if matcher.kind == "env":
            self.out.append(PlanHeader(header.name, "env", env=matcher.argument))
            return
        if matcher.kind == "equals":
            value = matcher.argument
            if not header.secret and self.redact(value) == value:
                self.out.append(PlanHeader(header.name, "spec", value=value))
            elif live_value == value:
                self.keep(header.name, value, secret=True)
            else:
                self.problems.append(
                    f"{header.name}: a secret value written in the spec never goes in a "
                    "plan; declare it as {env: NAME}"
                )
            return
        if live_value is not None and matcher.matches(live_value):
            self.keep(header.name, live_value, header.secret)
        else:
            self.problems.append(f"{header.name}: no value known (a {matcher.kind} matcher)")


def header_list(
    item: DesiredIntegration, live: LiveAuth, changes: Sequence[Change], redact: Redact
) -> tuple[tuple[PlanHeader, ...], list[str]]:
    """The full list that makes `live` match `item`, and the problems that prevent it.
    Live order first (declared headers in the spec's spelling, the first of a repeated
    header), then declared headers the record lacks, in the spec's order."""
    built = _Headers(redact)
    if item.headers is None:  # not checked: nothing to change there
        for name, value in live.headers:
            built.keep(name, value, looks_sensitive(name))
        return tuple(built.out), built.problems
    declared = {h.name.lower(): h for h in item.headers}
    accepted = _accepted(changes)
    seen: set[str] = set()
    for name, value in live.headers:
        lowered = name.lower()
        header = declared.get(lowered)
        repeat = lowered in seen
        seen.add(lowered)
        secret = header.secret if header else looks_sensitive(name)
        if lowered in accepted:
            built.keep(header.name if header else name, value, secret)
        elif repeat:
            continue  # a header twice is drift: the first one stays
        elif header is not None:
            built.declared(header, value)
        elif item.extra_headers in ("ignore", "warn"):
            built.keep(name, value, secret)
    for lowered, header in declared.items():
        if lowered not in seen and lowered not in accepted:
            built.declared(header, None)
    return tuple(built.out), built.problems


def plan_record(
    item: DesiredIntegration,
    fetched: Fetched,
    result: IntegrationResult,
    shown: IntegrationResult,
    redact: Redact,
) -> PlannedRecord:
    """The action for one record: `result` is the check's verdict with live values,
    `shown` the same with secrets redacted (what the plan keeps to show)."""
    base = PlannedRecord(
        name=item.name,
        integration_id=item.integration_id,
        auth_id=item.auth_id,
        auth_type=item.auth_type,
        source=item.source,
        action=CANNOT_APPLY,
        status=result.status,
        changes=shown.changes,
    )
    message = shown.error.message if shown.error is not None else ""
    if result.status is Status.NOT_FOUND:
        return replace(base, reason=f"not found: {message}; create it by hand")
    live = _live(item, fetched)
    if result.status is Status.ERROR or live is None:
        return replace(base, reason=f"error: {message or 'the record could not be read'}")
    state = LiveState.of(live)
    counting = [c for c in result.changes if c.counts]
    if not counting:
        return replace(base, action=NONE, live=state)
    problems = [AUTH_TYPE_FIXED] if any(c.path == "/authType" for c in counting) else []
    headers, header_problems = header_list(item, live, result.changes, redact)
    problems += header_problems
    if problems:
        return replace(base, reason="; ".join(problems), live=state)
    return replace(base, action=UPDATE, live=state, headers=headers)


def build_plan(
    report: Report,
    judged: Sequence[tuple[DesiredIntegration, Fetched, IntegrationResult]],
    redact: Redact,
    created_at: str,
) -> Plan:
    """The plan of a check run: `report` as the check made it (redacted), `judged` each
    record's declaration, fetch and result before redaction, `redact` what hides every
    secret of the run."""
    shown = {r.name: r for r in report.results}
    records = sorted(
        (plan_record(i, f, r, shown[i.name], redact) for i, f, r in judged),
        key=lambda r: r.name,
    )
    return Plan(
        base_url=report.base_url,
        created_at=created_at,
        records=records,
        spec_digest=report.spec_digest,
        declared=report.declared,
        shard=report.shard,
        exit_code=report.exit_code,
        stats=report.stats,
        hints=report.hints(),
    )
