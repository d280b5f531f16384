"""`drift apply` as plain functions: a plan in, a Report out. No printing here.

1. `preflight`, before any request: the plan is for this API, it changes no more records
   than allowed, and every `env` variable it needs is set.
2. Read every record the plan updates or leaves alone again. One that no longer reads as
   the plan saw it (`updatedAt`, or the fingerprint of its auth id, authType and headers)
   is stale: not touched.
3. One PATCH per fresh record to update, in turn, with the whole header list (`patch`).
4. Read back every record a PATCH reached (or may have reached): applied and verified
   when it holds what was sent; a PATCH whose answer was lost is judged by this read.

The plan is the whole input: apply never reads the spec, so what is applied is what was
reviewed. Secret values come from the environment (`env` matchers) or from step 2's read
(live values kept, checked against the plan's SHA-256); the plan holds none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from drift.commands.verify import CANNOT, RUN_PLAN, STALE, Results, after_patch, read_live
from drift.errors import FetchError, Terminated, UsageError
from drift.live.fetch import fetch_many
from drift.live.normalize import embedded_auth
from drift.live.patch import REFUSED, PatchOutcome, PatchRequest, patch_all
from drift.live.settings import FetchSettings
from drift.model.desired import canonical_id
from drift.model.live import Fetched, LiveAuth, Target
from drift.model.matchers import looks_sensitive
from drift.model.plan import CANNOT_APPLY, NONE, UPDATE, Plan, PlannedRecord, digest
from drift.model.results import (
    NOT_ATTEMPTED,
    ErrorInfo,
    IntegrationResult,
    Report,
    RunStats,
    Status,
)
from drift.secret import RUN, Redactor, Secret

if TYPE_CHECKING:
    import httpx  # only the type of an injected transport: requests go through fetch, patch


def default_max_changes(plan: Plan) -> int:
    """A quarter of the records the plan checked, at least 1 (octoDNS's threshold)."""
    return max(1, len(plan.records) // 4)


def preflight(
    plan: Plan, base_url: str, environ: Mapping[str, str], max_changes: int | None
) -> dict[str, str]:
    """Refuse (UsageError, exit 2) what must not start, before any request; returns the
    values of the `env` variables the updates send."""
    if plan.base_url.rstrip("/") != base_url.rstrip("/"):
        raise UsageError(
            f"the plan was made against {plan.base_url}, not {base_url}; nothing was sent"
        )
    updates = plan.updates
    limit = default_max_changes(plan) if max_changes is None else max_changes
    if len(updates) > limit:
        how = "" if max_changes is not None else f" (a quarter of the {len(plan.records)} records)"
        raise UsageError(
            f"the plan updates {len(updates)} records, more than --max-changes {limit}{how}; "
            f"nothing was sent. Review the plan, then pass --max-changes {len(updates)}"
        )
    names = sorted({h.env for r in updates for h in r.headers if h.env is not None})
    missing = [name for name in names if name not in environ]
    if missing:
        raise UsageError(
            f"environment variable{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            "not set (the plan sends their values); nothing was sent"
        )
    for name in names:
        Secret(environ[name])  # known to the last line of defence from now on
    return {name: environ[name] for name in names}


@dataclass
class Applied:
    """What apply did: the Report, and the Ctrl-C or SIGTERM that cut it short (if one
    did; the report still says what was sent)."""

    report: Report
    interrupted: BaseException | None = None


def _read(
    targets: Sequence[Target],
    settings: FetchSettings,
    transport: httpx.BaseTransport | None,
    stats: RunStats,
) -> tuple[list[Fetched], str | None]:
    """GET each target; a run that stops early keeps what it read (and says why)."""
    if not targets:
        return [], None
    stopped = None
    try:
        fetched, run_stats = fetch_many(targets, settings, transport=transport)
    except FetchError as exc:
        if exc.partial is None:
            raise
        fetched, run_stats = exc.partial
        stopped = str(exc)
    stats.requests += run_stats.requests
    stats.retries += run_stats.retries
    stats.throttled += run_stats.throttled
    return fetched, stopped


def _auth_id(record: PlannedRecord, fetched: Fetched) -> str:
    """The auth id to PATCH, spelled as the API spelled it (`_` or `-`)."""
    if record.auth_id:
        return record.auth_id
    body = embedded_auth(fetched.body)
    assert body is not None  # it was read as a record just before
    return str(body["authId"])


def _stale_reason(record: PlannedRecord, live: LiveAuth) -> str:
    assert record.live is not None
    was = record.live
    if live.auth_id != was.auth_id:
        what = f"the integration's auth record is now {live.auth_id}, not {was.auth_id}"
    elif live.updated_at != was.updated_at:
        what = f"updatedAt {was.updated_at} -> {live.updated_at}"
    else:
        what = "its headers or authType changed"
    return f"stale: the record changed since the plan ({what}); not touched, {RUN_PLAN}"


def _headers(
    record: PlannedRecord, live: LiveAuth, env: Mapping[str, str]
) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The values to send; a kept live value must be the one the plan fingerprinted."""
    values: dict[str, list[str]] = {}
    for name, value in live.headers:
        values.setdefault(name.lower(), []).append(value)
    used: dict[str, int] = {}
    out = []
    for header in record.headers:
        if header.value is not None:
            out.append((header.name, header.value))
        elif header.env is not None:
            out.append((header.name, env[header.env]))
        else:
            lowered = header.name.lower()
            index = used.get(lowered, 0)
            used[lowered] = index + 1
            found = values.get(lowered, [])
            if index >= len(found) or digest(found[index]) != header.sha256:
                return (), f"stale: the live value of {header.name} is not the one the plan saw"
            out.append((header.name, found[index]))
    return tuple(out), None


def _redactor(settings: FetchSettings, env: Mapping[str, str], lives: list[LiveAuth]) -> Redactor:
    """Every secret of the run: the key, the env values sent, secret-looking live values."""
    key = settings.api_key.reveal()
    redact = Redactor([key, canonical_id(key)])
    for value in env.values():
        redact.add(value, shortest=RUN)
    for live in lives:
        for name, value in live.headers:
            if looks_sensitive(name):
                redact.add(value, shortest=RUN)
    return redact


class _Budget:
    """--deadline bounds the whole apply: each phase (read again, patch, read back) gets
    what the earlier ones left of it."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self.started = settings.clock()

    def remaining(self) -> float | None:
        if self.settings.deadline is None:
            return None
        return self.settings.deadline - (self.settings.clock() - self.started)

    @property
    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def left(self) -> FetchSettings:
        left = self.remaining()
        return self.settings if left is None else replace(self.settings, deadline=left)


def apply_plan(
    plan: Plan,
    settings: FetchSettings,
    env: Mapping[str, str],
    *,
    transport: httpx.BaseTransport | None = None,
) -> Applied:
    """Apply a plan that passed `preflight` (and was approved); `env` holds the values
    preflight returned. Every record of the plan gets a result in the Report."""
    stats = RunStats()
    results = Results()
    budget = _Budget(settings)
    for record in plan.records:
        if record.action == CANNOT_APPLY:
            results.put(record, record.status, CANNOT, record.reason)
    touched = [r for r in plan.records if r.action in (UPDATE, NONE)]
    reads, stopped = _read(
        [Target(r.integration_id, r.auth_id) for r in touched], budget.left(), transport, stats
    )
    lives: list[LiveAuth] = []
    pending: list[tuple[PlannedRecord, PatchRequest]] = []
    for record, fetched in zip(touched, reads, strict=True):
        live, why = read_live(record, fetched)
        if live is None:
            if fetched.kind == "not_found" or why.startswith("the integration no longer"):
                results.put(record, Status.DRIFTED, STALE, f"stale: {why}; {RUN_PLAN}")
            else:
                results.failed(record, f"not touched: reading the record again failed: {why}")
            continue
        lives.append(live)
        assert record.live is not None  # the schema requires it for none and update
        if not record.live.matches(live):
            results.put(record, Status.DRIFTED, STALE, _stale_reason(record, live))
            continue
        if record.action == NONE:
            results.put(record, Status.IN_SYNC, None)
            continue
        headers, problem = _headers(record, live, env)
        if problem:
            results.put(record, Status.DRIFTED, STALE, f"{problem}; not touched, {RUN_PLAN}")
            continue
        target = Target(record.integration_id, _auth_id(record, fetched))
        pending.append((record, PatchRequest(target, headers)))
    redact = _redactor(settings, env, lives)
    interrupted: BaseException | None = None
    halt = stopped or ("deadline reached" if budget.expired else None)
    if halt and pending:
        for record, _ in pending:
            results.failed(record, f"{NOT_ATTEMPTED}: {halt}")
        pending = []
    outcomes: list[PatchOutcome] = []
    if pending:
        secrets = [value for _, request in pending for _, value in request.headers]
        run = patch_all(
            [request for _, request in pending],
            budget.left(),
            secrets=secrets,
            transport=transport,
        )
        outcomes, interrupted = run.outcomes, run.interrupted
        stopped = stopped or run.stopped
        stats.requests += run.stats.requests
        stats.retries += run.stats.retries
        stats.throttled += run.stats.throttled
    # read back every record a PATCH reached or may have reached
    sent = [
        (record, request, outcome)
        for (record, request), outcome in zip(pending, outcomes, strict=True)
        if outcome.kind != REFUSED
    ]
    back: dict[str, Fetched] = {}
    if sent and budget.expired:
        back = {record.name: Fetched("error", message="deadline reached") for record, _, _ in sent}
    elif sent and interrupted is None:
        try:
            reads, stopped_back = _read(
                [Target(r.integration_id, r.auth_id) for r, _, _ in sent],
                budget.left(),
                transport,
                stats,
            )
            back = {record.name: f for (record, _, _), f in zip(sent, reads, strict=True)}
            stopped = stopped or stopped_back
        except (KeyboardInterrupt, Terminated) as exc:
            interrupted = exc  # what was sent is still reported, as not verified
    for (record, request), outcome in zip(pending, outcomes, strict=True):
        after_patch(results, record, request, outcome, back.get(record.name))
    report = Report(
        settings.base_url,
        [_redacted(results.by_name[r.name], redact) for r in plan.records],
        stats,
        declared=plan.declared,
        shard=plan.shard,
        spec_digest=plan.spec_digest,
        stopped=stopped,
    )
    report.results.sort(key=lambda r: r.name)
    return Applied(report, interrupted)


def _redacted(result: IntegrationResult, redact: Redactor) -> IntegrationResult:
    if result.error is None:
        return result
    error = ErrorInfo(redact(result.error.message), result.error.http_status)
    return replace(result, error=error)
