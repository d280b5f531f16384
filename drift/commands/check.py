"""`drift check` as a plain function: desired state in, Report out. No printing here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from drift.clock import live_timestamp, stamp, utc_now
from drift.errors import FetchError, Problem, SpecError, UsageError
from drift.judge import ignore
from drift.judge.select import Selection, choose
from drift.judge.verdict import judge
from drift.live.fetch import fetch_many
from drift.live.normalize import ShapeError, embedded_auth, normalize_auth
from drift.live.settings import FetchSettings
from drift.model.desired import DesiredIntegration, IgnoreRule, canonical_id, spec_digest
from drift.model.live import Fetched, Target
from drift.model.matchers import looks_sensitive
from drift.model.results import ErrorInfo, IntegrationResult, Report, Status
from drift.secret import RUN, Redactor

if TYPE_CHECKING:
    import httpx

    from drift.spec.load import Spec


def resolve_env(
    items: Sequence[DesiredIntegration], environ: Mapping[str, str]
) -> list[DesiredIntegration]:
    """Read every `{env: NAME}` matcher's variable now, before any request; an unset
    variable is a spec error at the line that names it."""
    problems = []
    out = []
    for item in items:
        if item.headers is None or all(h.matcher.kind != "env" for h in item.headers):
            out.append(item)
            continue
        headers = []
        for header in item.headers:
            if header.matcher.kind == "env":
                name = header.matcher.argument
                if name not in environ:
                    problems.append(
                        Problem(
                            header.source,
                            f"integrations.{item.name}.headers.{header.name}",
                            f"environment variable {name} is not set",
                        )
                    )
                    continue
                header = replace(header, matcher=replace(header.matcher, resolved=environ[name]))
            headers.append(header)
        out.append(replace(item, headers=tuple(headers)))
    if problems:
        raise SpecError(problems)
    return out


def target_of(item: DesiredIntegration) -> Target:
    return Target(item.integration_id, item.auth_id)


def run_check(
    integrations: list[DesiredIntegration],
    settings: FetchSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    on_done: Callable[[int, int], None] | None = None,
    on_start: Callable[[], None] | None = None,
    declared: int | None = None,
    shared_rules: Sequence[IgnoreRule] = (),
    today: datetime.date | None = None,
    everything: Sequence[DesiredIntegration] | None = None,
    clock: Callable[[], datetime.datetime] = utc_now,
    keep: list[tuple[DesiredIntegration, Fetched, IntegrationResult]] | None = None,
) -> Report:
    """Fetch, normalize and diff every integration; one record's failure never hides
    the others. A run stopped early (a rejected key, an API that cannot be reached) still
    gives a Report, with `stopped` saying why. `everything` is the whole declared spec
    (default: `integrations`), which says what rules may cover. `keep`, when given, gets
    each record's declaration, fetch and result before redaction (what `plan` builds on:
    it holds live values, secrets among them). `clock` dates the report."""
    generated_at = stamp(clock())

    stopped = None
    try:
        fetched, stats = fetch_many(
            [target_of(i) for i in integrations],
            settings,
            transport=transport,
            on_done=on_done,
            on_start=on_start,
        )
    except FetchError as exc:
        if exc.partial is None:
            raise
        fetched, stats = exc.partial
        stopped = str(exc)
    shared = ignore.SharedRules(shared_rules)
    today = today or datetime.date.today()  # once: a run across midnight stays consistent
    used: set[IgnoreRule] = set()
    judged = [
        (i, f, judge(i, f, shared, today, used)) for i, f in zip(integrations, fetched, strict=True)
    ]
    if keep is not None:
        keep.extend(judged)
    results = sorted((r for _, _, r in judged), key=lambda r: r.name)
    checked = {r.name for r in results if r.status in (Status.IN_SYNC, Status.DRIFTED)}
    if any(r.changes or r.error for r in results):
        redact = secrets_of(integrations, fetched, settings)
        results = [_without(redact, r) for r in results]
    return Report(
        settings.base_url,
        results,
        stats,
        declared=len(integrations) if declared is None else declared,
        stale_rules=ignore.stale_rules(
            everything if everything is not None else integrations, shared_rules, checked, used
        ),
        stopped=stopped,
        generated_at=generated_at,
    )


def secrets_of(
    integrations: Sequence[DesiredIntegration], fetched: Sequence[Fetched], settings: FetchSettings
) -> Redactor:
    """Every secret of the run: the API key, the secret values the spec holds, and the
    live values of every header the spec or its name marks secret."""
    key = settings.api_key.reveal()
    redact = Redactor([key, canonical_id(key)])  # ids are shown as canonical_id spells them
    for item, result in zip(integrations, fetched, strict=True):
        declared = {h.name.lower(): h for h in item.headers or ()}
        for header in declared.values():
            matcher = header.matcher
            value = matcher.resolved if matcher.kind == "env" else matcher.argument
            if matcher.kind in ("equals", "env") and value and matcher.is_secret(header.name):
                redact.add(value, shortest=RUN)
        if result.kind != "ok":
            continue
        try:
            record = result.body if item.auth_id else embedded_auth(result.body)
            live = normalize_auth(record) if record is not None else None
        except ShapeError:
            continue
        for name, value in live.headers if live else ():
            spec = declared.get(name.lower())
            if spec.matcher.is_secret(spec.name) if spec else looks_sensitive(name):
                redact.add(value, shortest=RUN)
    return redact


def _without(redact: Redactor, result: IntegrationResult) -> IntegrationResult:
    """The result with no secret left in any text it shows."""

    def clean(value: Any) -> Any:
        return redact(value) if isinstance(value, str) else value

    error = result.error
    if error is not None:
        error = ErrorInfo(redact(error.message), error.http_status)
    changes = tuple(
        replace(
            c,
            path=redact(c.path),
            expected=clean(c.expected),
            actual=clean(c.actual),
            note=clean(c.note),
        )
        for c in result.changes
    )
    updated_at = result.updated_at and live_timestamp(redact(result.updated_at))
    return replace(result, changes=changes, error=error, updated_at=updated_at)


def check_spec(
    spec: Spec,
    selection: Selection,
    settings: FetchSettings,
    environ: Mapping[str, str],
    *,
    on_done: Callable[[int, int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    keep: list[tuple[DesiredIntegration, Fetched, IntegrationResult]] | None = None,
) -> Report | None:
    """Select and check a loaded spec: what `check` and `baseline` share. Everything that
    can be wrong with the input is found before the first request. None: --changed-since
    selected nothing (a change that touches no integration has nothing to check)."""
    if not spec.integrations:
        # nothing checked is not a pass: a gate on an empty folder must not go green
        raise UsageError(
            f"the spec ({', '.join(spec.files) or 'no files'}) declares no integrations; "
            "nothing to check"
        )
    selected, shard = choose(spec.integrations, selection)
    if not selected and selection.changed is not None:
        return None
    selected = resolve_env(selected, environ)
    report = run_check(
        selected,
        settings,
        on_done=on_done,
        on_start=(lambda: on_start(len(selected))) if on_start else None,
        declared=len(spec.integrations),
        shared_rules=spec.ignores,
        everything=spec.integrations,
        keep=keep,
    )
    report.shard = f"{shard[0]}/{shard[1]}" if shard else None
    report.spec_digest = spec_digest(spec.integrations, spec.ignores)
    return report
